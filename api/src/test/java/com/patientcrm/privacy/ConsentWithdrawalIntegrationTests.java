package com.patientcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Consent is checked when a message is sent, not when it was scheduled: a withdrawal in between stops it. */
class ConsentWithdrawalIntegrationTests extends IntegrationTest {

    private ConsentDocumentsFixture consents;

    @AfterEach
    void retire() {
        consents.retireAll();
    }

    @Test
    void aReminderScheduledBeforeAWithdrawalIsNotSentAfterIt() {
        consents = new ConsentDocumentsFixture(http, staffToken());
        UUID policy = consents.document("sensitive_health_data");
        int version = consents.version(policy, true);
        String token = patientToken();
        consents.decide(token, policy, version, true);
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        UUID slot = hospital.slot(seeded, LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(3).atTime(10, 0),
                "Asia/Shanghai", 2);
        String appointment = (String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        // The reminders are scheduled; then the patient withdraws, and one of them comes due.
        consents.decide(token, policy, version, false);
        UUID reminder = db.sql("select id from notifications.outbox where topic = 'appointment.reminder' "
                        + "and subject_id = :id order by due_at limit 1")
                .bind("id", UUID.fromString(appointment)).map(row -> row.get("id", UUID.class)).one()
                .block(Duration.ofSeconds(5));
        db.sql("update notifications.outbox_queue set due_at = now() where id = :id").bind("id", reminder).then()
                .block(Duration.ofSeconds(5));

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "skipped".equals(status(reminder)));
        String reason = db.sql("select last_error from notifications.outbox where id = :id").bind("id", reminder)
                .map(row -> row.get("last_error", String.class)).one().block(Duration.ofSeconds(5));
        assertThat(reason).startsWith("no-consent: ").contains("wechat: no-consent").contains("app_push: no-consent");
        // Staff see the stable code beside the text.
        http.get().uri("/staff/v1/notifications?patientId={p}&status=skipped", patientOf(reminder))
                .headers(h -> h.setBearerAuth(staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.id == '" + reminder + "')].reasonCode").isEqualTo("no-consent");
        List<String> inbox = db.sql("select title from notifications.inbox where outbox_id = :id").bind("id", reminder)
                .map(row -> row.get("title", String.class)).all().collectList().block(Duration.ofSeconds(5));
        assertThat(inbox).isEmpty();

        // The booking confirmation is critical: the patient is told of it whatever their consents.
        UUID confirmation = db.sql("select id from notifications.outbox where topic = 'appointment.change' "
                        + "and subject_id = :id").bind("id", UUID.fromString(appointment))
                .map(row -> row.get("id", UUID.class)).one().block(Duration.ofSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(status(confirmation)));
    }

    /** (From the message: with a required consent withdrawn, the patient's own routes are closed to them.) */
    private UUID patientOf(UUID message) {
        return db.sql("select patient_id from notifications.outbox where id = :id").bind("id", message)
                .map(row -> row.get("patient_id", UUID.class)).one().block(Duration.ofSeconds(5));
    }

    private String status(UUID message) {
        return db.sql("select status from notifications.outbox where id = :id").bind("id", message)
                .map(row -> row.get("status", String.class)).one().block(Duration.ofSeconds(5));
    }
}
