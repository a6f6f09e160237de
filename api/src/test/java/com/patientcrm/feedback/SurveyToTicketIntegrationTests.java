package com.patientcrm.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import com.patientcrm.surveys.SurveyFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * The end-to-end story: the HIS marks an appointment COMPLETED → the survey invitation comes due → the patient
 * answers NPS 3 with a comment → the ticket appears on the staff stream and managers are alerted → it is assigned,
 * replied to and resolved → the patient sees the reply. A satisfied answer opens nothing.
 */
class SurveyToTicketIntegrationTests extends IntegrationTest {

    @Test
    void anUnhappySurveyAnswerBecomesATicketThatStaffResolveAndThePatientSeesTheReply() {
        SurveyFixtures surveys = new SurveyFixtures(http, db, clientToken());
        HospitalFixtures.Seeded seeded = surveys.hospital().departmentAndDoctor(SurveyFixtures.ZONE, 14);
        String managerId = "manager-" + UUID.randomUUID();
        String manager = staffToken(managerId, "FEEDBACK_MANAGER");
        surveys.create(manager, SurveyFixtures.definition("e2e-" + UUID.randomUUID().toString().substring(0, 8),
                seeded.departmentId(), 0, 30));
        List<ServerSentEvent<Map<String, Object>>> seen = new CopyOnWriteArrayList<>();
        Disposable stream = listen(manager, seen);
        try {
            String patient = patientToken();
            UUID appointment = surveys.completedVisit(seeded, patient, null);
            UUID invitation = surveys.invitationFor(appointment);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> pending(patient).contains(invitation.toString()));

            surveys.respond(patient, invitation, List.of(SurveyFixtures.score("nps", 3), SurveyFixtures.score("rating", 2),
                    Map.of("questionId", "comment", "text", "等了两个小时，前台态度很差。")), true).expectStatus().isOk();

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> seen.stream().anyMatch(e -> "alert".equals(e.event())
                    && "survey".equals(e.data().get("source"))));
            Map<String, Object> alert = seen.stream().filter(e -> "alert".equals(e.event())
                    && "survey".equals(e.data().get("source"))).findFirst().orElseThrow().data();
            UUID ticket = UUID.fromString((String) alert.get("ticketId"));
            as(manager).get().uri("/staff/v1/feedback/{id}", ticket).exchange().expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.ticket.category").isEqualTo("survey")
                    .jsonPath("$.ticket.priority").isEqualTo("HIGH")
                    .jsonPath("$.ticket.negative").isEqualTo(true)
                    .jsonPath("$.ticket.appointmentId").isEqualTo(appointment.toString())
                    .jsonPath("$.ticket.departmentId").isEqualTo(seeded.departmentId().toString())
                    .jsonPath("$.ticket.body").value(body -> assertThat((String) body)
                            .contains("3/10").contains("2/5").contains("前台态度很差"));

            String agentId = "agent-" + UUID.randomUUID();
            as(manager).post().uri("/staff/v1/feedback/{id}/assign", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("assignee", agentId)).exchange().expectStatus().isOk();
            String agent = staffToken(agentId, "FEEDBACK_AGENT");
            as(agent).post().uri("/staff/v1/feedback/{id}/replies", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("message", "抱歉让您久等，我们已调整前台排班。")).exchange().expectStatus().isOk();
            as(agent).post().uri("/staff/v1/feedback/{id}/status", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("status", "RESOLVED")).exchange().expectStatus().isOk();

            as(patient).get().uri("/api/v1/feedback/{id}", ticket).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("RESOLVED")
                    .jsonPath("$.category").isEqualTo("survey")
                    .jsonPath("$.messages[1].from").isEqualTo("hospital")
                    .jsonPath("$.messages[1].body").isEqualTo("抱歉让您久等，我们已调整前台排班。");

            // The survey.submitted message was handled once: one ticket for the invitation, whatever redelivery.
            assertThat(count("select count(*) from app.feedback_tickets where source = 'survey' and source_ref = '"
                    + invitation + "'")).isEqualTo(1);

            // A satisfied patient's answer opens nothing.
            String happy = patientToken();
            UUID visit = surveys.completedVisit(seeded, happy, null);
            UUID happyInvitation = surveys.invitationFor(visit);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> pending(happy).contains(happyInvitation.toString()));
            surveys.respond(happy, happyInvitation, List.of(SurveyFixtures.score("nps", 10), SurveyFixtures.score("rating", 5),
                    Map.of("questionId", "comment", "text", "Very kind nurses.")), true).expectStatus().isOk();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "skipped".equals(db.sql(
                            "select status from notifications.outbox where topic = 'survey.submitted' and subject_id = :id")
                    .bind("id", happyInvitation).map(row -> row.get("status", String.class)).one()
                    .block(Duration.ofSeconds(5))));
            assertThat(count("select count(*) from app.feedback_tickets where source_ref = '" + happyInvitation + "'"))
                    .isZero();
        } finally {
            stream.dispose();
        }
    }

    private String pending(String token) {
        return as(token).get().uri("/api/v1/surveys/pending").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private Disposable listen(String token, List<ServerSentEvent<Map<String, Object>>> into) {
        return new StaffStream(port, clientIp, token, into)::close;
    }

    private WebTestClient as(String token) {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    private long count(String sql) {
        return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(5));
    }
}
