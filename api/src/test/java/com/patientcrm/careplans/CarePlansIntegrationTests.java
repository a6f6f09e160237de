package com.patientcrm.careplans;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Follow-up care end to end: the hospital's plans and the staff's templates, each occurrence reminding the patient
 * once (unless the follow-up is already booked or the plan ended), and recall of patients not seen for too long.
 */
class CarePlansIntegrationTests extends IntegrationTest {

    static final String ZONE = "Asia/Shanghai";

    HospitalFixtures hospital;
    HospitalFixtures.Seeded seeded;
    String client;
    LocalDate today;

    @BeforeEach
    void seed() {
        client = clientToken();
        hospital = new HospitalFixtures(http, client);
        seeded = hospital.departmentAndDoctor(ZONE, 14);
        today = LocalDate.now(ZoneId.of(ZONE));
    }

    @Test
    void aRecurringPlanRemindsOnceAnOccurrenceComesDueAndSchedulesTheNext() {
        String token = patientToken();
        UUID patient = self(token);
        String external = "plan-" + UUID.randomUUID();
        Map<String, Object> plan = plan(external, patient, 1);
        plan.put("startsOn", today.minusDays(85).toString());
        plan.put("intervalDays", 90);
        Map<?, ?> pushed = push(plan).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(pushed.get("applied")).isEqualTo(true);
        UUID planId = UUID.fromString((String) pushed.get("id"));

        // The first follow-up is one interval after the start; its reminder is scheduled three days before it.
        List<String> occurrences = pending("careplan.occurrence", planId);
        assertThat(occurrences).containsExactly(today.plusDays(5).toString());
        makeDue("careplan.occurrence", planId);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> titles(token).contains("复诊提醒"));
        assertThat(pending("careplan.occurrence", planId)).containsExactly(today.plusDays(95).toString());
        http.get().uri("/api/v1/care-plans").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$[0].id").isEqualTo(planId.toString())
                .jsonPath("$[0].nextDueOn").isEqualTo(today.plusDays(5).toString())
                .jsonPath("$[0].status").isEqualTo("ACTIVE");

        // A replay of an older version changes nothing; a newer one that ends the plan stops everything.
        push(plan(external, patient, 0)).expectStatus().isOk().expectBody().jsonPath("$.applied").isEqualTo(false);
        plan.put("version", 2);
        plan.put("status", "ENDED");
        push(plan).expectStatus().isOk().expectBody().jsonPath("$.applied").isEqualTo(true);
        assertThat(pending("careplan.occurrence", planId)).isEmpty();
        assertThat(pending("careplan.recall-check", planId)).isEmpty();
        http.get().uri("/api/v1/care-plans").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[0].status").isEqualTo("ENDED").jsonPath("$[0].nextDueOn").isEmpty();
    }

    @Test
    void aFollowUpAlreadyBookedIsNotReminded() {
        String token = patientToken();
        UUID patient = self(token);
        Map<String, Object> plan = plan("plan-" + UUID.randomUUID(), patient, 1);
        plan.put("dueDates", List.of(today.plusDays(5).toString()));
        UUID planId = UUID.fromString((String) push(plan).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody().get("id"));
        UUID slot = hospital.slot(seeded, today.plusDays(4).atTime(9, 0), ZONE, 2);
        http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated();

        makeDue("careplan.occurrence", planId);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "skipped".equals(status("careplan.follow-up", planId)));
        assertThat(titles(token)).doesNotContain("复诊提醒");
    }

    @Test
    void staffApplyTemplatesAndRecallPatientsNotSeenForTooLong() {
        String coordinator = staffToken("coord-" + UUID.randomUUID(), "CARE_COORDINATOR");
        String token = patientToken();
        UUID patient = self(token);
        List<?> templates = staff(coordinator).get().uri("/staff/v1/care-plan-templates").exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        assertThat(templates.stream().map(t -> String.valueOf(((Map<?, ?>) t).get("code"))).toList())
                .contains("diabetes-review", "post-surgery");

        Map<?, ?> applied = staff(coordinator).post().uri("/staff/v1/care-plans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("patientId", patient, "templateCode", "diabetes-review",
                        "departmentId", seeded.departmentId(), "startsOn", today.minusDays(200).toString()))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        UUID planId = UUID.fromString((String) applied.get("id"));
        assertThat(applied.get("intervalDays")).isEqualTo(90);
        assertThat(applied.get("conditionCode")).isEqualTo("E11");
        assertThat(applied.get("nextDueOn")).isEqualTo(today.minusDays(200).plusDays(270).toString());

        // Started 200 days ago and never seen: on the recall list, and the recall check (due at once) reminds them.
        List<?> recalls = staff(coordinator).get().uri("/staff/v1/recalls?departmentId=" + seeded.departmentId())
                .exchange().expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        assertThat(recalls.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("planId"))).toList())
                .contains(planId.toString());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> titles(token).contains("复诊召回"));
        // The next look is a recall period from now.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.sql("select count(*) as n from notifications.outbox "
                        + "where topic = 'careplan.recall-check' and subject_id = :p and status = 'pending' "
                        + "and due_at > now() + interval '179 days'").bind("p", planId)
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5)) == 1);

        staff(coordinator).post().uri("/staff/v1/care-plans/{id}/end", planId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("ENDED");
        staff(coordinator).post().uri("/staff/v1/care-plans/{id}/end", planId).exchange().expectStatus().isEqualTo(409);
        staff(coordinator).get().uri("/staff/v1/care-plans?patientId=" + patient).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[0].status").isEqualTo("ENDED");
        assertThat(db.sql("select count(*) as n from app.audit_events where resource = 'care-plan' and patient_id = :p "
                        + "and actor_kind = 'staff'").bind("p", patient).map(row -> row.get("n", Long.class)).one()
                .block(Duration.ofSeconds(5))).isEqualTo(1);
    }

    @Test
    void onlyAdminsWriteTemplatesAndOnlyCareStaffSeePlans() {
        String code = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> template = Map.of("code", code, "name", "Hypertension check", "conditionCode", "I10",
                "intervalDays", 180);
        staff(staffToken("coord-x", "CARE_COORDINATOR")).post().uri("/staff/v1/care-plan-templates")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(template).exchange().expectStatus().isForbidden();
        staff(staffToken()).post().uri("/staff/v1/care-plan-templates").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(template).exchange().expectStatus().isCreated().expectBody().jsonPath("$.code").isEqualTo(code);
        staff(staffToken()).post().uri("/staff/v1/care-plan-templates").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(template).exchange().expectStatus().isEqualTo(409);
        staff(staffToken()).post().uri("/staff/v1/care-plan-templates").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", code + "b", "name", "x", "conditionCode", "I10", "intervalDays", 30,
                        "offsetsDays", List.of(7)))
                .exchange().expectStatus().isBadRequest();
        staff(staffToken("agent-x", "FEEDBACK_AGENT")).get().uri("/staff/v1/recalls").exchange()
                .expectStatus().isForbidden();
        http.get().uri("/staff/v1/care-plans?patientId=" + UUID.randomUUID()).headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectStatus().isForbidden();

        // The hospital's push is checked: one schedule, known patient and department.
        Map<String, Object> both = plan("plan-" + UUID.randomUUID(), self(patientToken()), 1);
        both.put("intervalDays", 30);
        both.put("dueDates", List.of(today.plusDays(3).toString()));
        push(both).expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("intervalDays");
        Map<String, Object> stranger = plan("plan-" + UUID.randomUUID(), UUID.randomUUID(), 1);
        stranger.put("intervalDays", 30);
        push(stranger).expectStatus().isEqualTo(422).expectBody().jsonPath("$.field").isEqualTo("patientId");
    }

    private Map<String, Object> plan(String external, UUID patient, long version) {
        Map<String, Object> plan = new HashMap<>();
        plan.put("externalId", external);
        plan.put("patientId", patient);
        plan.put("conditionCode", "E11.9");
        plan.put("departmentExternalId", seeded.departmentExternalId());
        plan.put("title", "Diabetes review");
        plan.put("startsOn", today.toString());
        plan.put("version", version);
        if (version == 0) {
            plan.put("intervalDays", 7);
        }
        return plan;
    }

    private WebTestClient.ResponseSpec push(Map<String, Object> plan) {
        return http.post().uri("/integration/v1/care-plans").headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(plan).exchange();
    }

    private WebTestClient staff(String token) {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    private UUID self(String token) {
        return UUID.fromString((String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }

    private List<String> pending(String topic, UUID plan) {
        return db.sql("select coalesce(payload ->> 'dueOn', 'check') as d from notifications.outbox where topic = :topic "
                        + "and subject_id = :plan and status = 'pending' order by due_at")
                .bind("topic", topic).bind("plan", plan).map(row -> row.get("d", String.class)).all().collectList()
                .block(Duration.ofSeconds(5));
    }

    private String status(String topic, UUID plan) {
        return db.sql("select status from notifications.outbox where topic = :topic and subject_id = :plan "
                        + "order by created_at desc limit 1")
                .bind("topic", topic).bind("plan", plan).map(row -> row.get("status", String.class)).one()
                .block(Duration.ofSeconds(5));
    }

    private void makeDue(String topic, UUID plan) {
        db.sql("update notifications.outbox_queue set due_at = now() where id in (select id from notifications.outbox "
                        + "where topic = :topic and subject_id = :plan and status = 'pending')")
                .bind("topic", topic).bind("plan", plan).then().block(Duration.ofSeconds(5));
    }

    private List<String> titles(String token) {
        return ((List<?>) http.get().uri("/api/v1/me/notifications?limit=100").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items"))
                .stream().map(item -> (String) ((Map<?, ?>) item).get("title")).toList();
    }
}
