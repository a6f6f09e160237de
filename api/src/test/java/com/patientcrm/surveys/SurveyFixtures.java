package com.patientcrm.surveys;

import com.patientcrm.booking.HospitalFixtures;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Through the real API: a survey defined by staff, a visit booked and completed, the invitation it brings. */
public final class SurveyFixtures {

    public static final String ZONE = "Asia/Shanghai";
    private static final AtomicInteger DAYS = new AtomicInteger(2);

    private final WebTestClient http;
    private final DatabaseClient db;
    private final String client;
    private final HospitalFixtures hospital;

    public SurveyFixtures(WebTestClient http, DatabaseClient db, String clientToken) {
        this.http = http;
        this.db = db;
        this.client = clientToken;
        this.hospital = new HospitalFixtures(http, clientToken);
    }

    public HospitalFixtures hospital() {
        return hospital;
    }

    /** NPS, rating, an optional single choice, an optional multiple choice and an optional free text. */
    public static List<Map<String, Object>> questions() {
        return List.of(
                Map.of("id", "nps", "type", "nps", "text", "How likely are you to recommend us?"),
                Map.of("id", "rating", "type", "rating", "text", "How satisfied were you with your visit?"),
                Map.of("id", "wait", "type", "single_choice", "text", "How long did you wait?", "required", false,
                        "options", List.of("<15 min", "15-30 min", ">30 min")),
                Map.of("id", "liked", "type", "multiple_choice", "text", "What did you like?", "required", false,
                        "options", List.of("doctor", "nurses", "cleanliness")),
                Map.of("id", "comment", "type", "text", "text", "Anything else?", "required", false));
    }

    public static Map<String, Object> definition(String code, UUID departmentId, int delayHours, int recontactDays) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("event", "appointment.completed");
        trigger.put("departmentId", departmentId);
        trigger.put("delayHours", delayHours);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("title", "Outpatient satisfaction " + code);
        body.put("questions", questions());
        body.put("trigger", trigger);
        body.put("recontactDays", recontactDays);
        body.put("validDays", 7);
        return body;
    }

    /** Creates the survey as the given staff token; answers the stored survey. */
    public Map<?, ?> create(String staffToken, Map<String, Object> body) {
        return http.post().uri("/staff/v1/surveys").headers(h -> h.setBearerAuth(staffToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    /** Books a new slot of the doctor for the patient (or a family member) and has the hospital complete the visit. */
    public UUID completedVisit(HospitalFixtures.Seeded seeded, String patientToken, UUID memberId) {
        UUID appointment = book(seeded, patientToken, memberId);
        complete(appointment);
        return appointment;
    }

    public UUID book(HospitalFixtures.Seeded seeded, String patientToken, UUID memberId) {
        LocalDate day = LocalDate.now(ZoneId.of(ZONE)).plusDays(1 + DAYS.getAndIncrement() % 12);
        UUID slot = hospital.slot(seeded, day.atTime(9, 0), ZONE, 5);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("slotId", slot);
        if (memberId != null) {
            body.put("patientId", memberId);
        }
        return UUID.fromString((String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(patientToken);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }

    public void complete(UUID appointment) {
        com.patientcrm.support.VisitTime.arrive(db, appointment);
        http.patch().uri("/integration/v1/appointments/{id}", appointment).headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("status", "COMPLETED"))
                .exchange().expectStatus().isOk();
    }

    /** Waits until the visit's appointment.completed message was handled; answers its outcome. */
    public String awaitHandled(UUID appointment) {
        String[] status = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            status[0] = db.sql("select status from notifications.outbox where topic = 'appointment.completed' "
                            + "and subject_id = :id").bind("id", appointment).map(row -> row.get("status", String.class))
                    .one().block(Duration.ofSeconds(5));
            return List.of("done", "skipped", "dead").contains(status[0]);
        });
        return status[0];
    }

    /** The invitation the visit brought, waiting for its message to be handled. */
    public UUID invitationFor(UUID appointment) {
        awaitHandled(appointment);
        return db.sql("select id from app.survey_invitations where appointment_id = :id").bind("id", appointment)
                .map(row -> row.get("id", UUID.class)).one().block(Duration.ofSeconds(5));
    }

    public WebTestClient.ResponseSpec respond(String token, UUID invitation, List<Map<String, Object>> answers, boolean submit) {
        return http.put().uri("/api/v1/survey-invitations/{id}/response", invitation).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("answers", answers, "submit", submit)).exchange();
    }

    public static Map<String, Object> score(String question, int score) {
        return Map.of("questionId", question, "score", score);
    }
}
