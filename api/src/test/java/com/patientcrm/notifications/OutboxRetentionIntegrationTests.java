package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Finished messages go once the retention has passed since their last change, with their channel attempts; messages
 * still to be sent, and recent ones, stay. A pruned dead letter is gone for staff too, and its dedupe key is free.
 */
class OutboxRetentionIntegrationTests extends IntegrationTest {

    @Autowired
    OutboxRetention retention;

    @Autowired
    Outbox outbox;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void finishedMessagesPastTheRetentionGoWithTheirAttemptsAndNothingElseDoes() {
        UUID patient = UUID.randomUUID();
        Map<String, UUID> old = Map.of("done", message(patient, "done", 200), "skipped", message(patient, "skipped", 200),
                "cancelled", message(patient, "cancelled", 200), "dead", message(patient, "dead", 200));
        UUID oldPending = message(patient, "pending", 200);
        UUID oldClaimed = message(patient, "pending", 200);
        // Being sent right now: its queue row carries a dispatcher's claim.
        db.sql("update notifications.outbox_queue set claim_token = gen_random_uuid(), due_at = now() + interval '1 hour' "
                + "where id = :id").bind("id", oldClaimed).then().block(Duration.ofSeconds(5));
        UUID recentDone = message(patient, "done", 179);
        old.values().forEach(this::attempt);
        attempt(recentDone);

        // The count may include other tests' rows, and the scheduled run may have taken these first: what counts is
        // what is left.
        retention.prune().block(Duration.ofSeconds(10));

        assertThat(statuses(patient)).containsExactlyInAnyOrder("pending", "pending", "done");
        assertThat(ids(patient)).containsExactlyInAnyOrder(oldPending, oldClaimed, recentDone);
        assertThat(count("select count(*) as n from notifications.deliveries where outbox_id = any(:ids)",
                old.values().toArray(UUID[]::new))).isZero();
        assertThat(count("select count(*) as n from notifications.deliveries where outbox_id = any(:ids)",
                new UUID[] {recentDone})).isEqualTo(1);

        // For staff the pruned dead letter is gone: its resend is a 404, not a 409 or a resend of nothing.
        http.post().uri("/staff/v1/notifications/{id}/resend", old.get("dead"))
                .headers(h -> h.setBearerAuth(staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT"))).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType("application/problem+json");
        // Its dedupe key went with it: the same cause would be acted on again (the producers' causes are idempotent
        // upstream, so none replays after months).
        outbox.enqueue(new OutboxMessage("appointment.change", "retention-test:" + old.get("done"), patient,
                UUID.randomUUID(), Map.of(), Instant.now().plus(Duration.ofDays(1)))).block(Duration.ofSeconds(5));
        assertThat(statuses(patient)).containsExactlyInAnyOrder("pending", "pending", "pending", "done");

        // A second run finds nothing more of this patient's to delete.
        retention.prune().block(Duration.ofSeconds(10));
        assertThat(ids(patient)).hasSize(4);
    }

    @Test
    void aRetentionOfZeroKeepsEverything() {
        UUID patient = UUID.randomUUID();
        UUID ancient = message(patient, "done", 4000);
        OutboxRetention forever = new OutboxRetention(db, new OutboxProperties(Duration.ZERO),
                context.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class));

        assertThat(forever.prune().block(Duration.ofSeconds(10))).isZero();
        assertThat(ids(patient)).containsExactly(ancient);
    }

    @Test
    void aRetentionUnderADayIsRefused() {
        assertThatThrownBy(() -> new OutboxProperties(Duration.ofHours(23))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crm.outbox.retention");
        assertThatThrownBy(() -> new OutboxProperties(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new OutboxProperties(Duration.ofDays(1)).retention()).isEqualTo(Duration.ofDays(1));
    }

    /**
     * A message to the patient in this status, last changed this many days ago (the default retention is 180), due
     * tomorrow so that the running dispatcher leaves a pending one alone.
     */
    private UUID message(UUID patient, String status, int daysAgo) {
        UUID id = UUID.randomUUID();
        db.sql("insert into notifications.outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at, status, "
                        + "created_at, updated_at) values (:id, 'appointment.change', :key, :patient, :subject, '{}', "
                        + "now() + interval '1 day', :status, now() - make_interval(days => :days), "
                        + "now() - make_interval(days => :days))")
                .bind("id", id).bind("key", "retention-test:" + id).bind("patient", patient)
                .bind("subject", UUID.randomUUID()).bind("days", daysAgo).bind("status", status)
                .then().block(Duration.ofSeconds(5));
        return id;
    }

    private void attempt(UUID message) {
        db.sql("insert into notifications.deliveries (outbox_id, channel, target, status) values (:id, 'wechat', "
                        + "'o-retention-test', 'sent')")
                .bind("id", message).then().block(Duration.ofSeconds(5));
    }

    private List<String> statuses(UUID patient) {
        return db.sql("select status from notifications.outbox where patient_id = :p").bind("p", patient)
                .map(row -> row.get("status", String.class)).all().collectList().block(Duration.ofSeconds(5));
    }

    private List<UUID> ids(UUID patient) {
        return db.sql("select id from notifications.outbox where patient_id = :p").bind("p", patient)
                .map(row -> row.get("id", UUID.class)).all().collectList().block(Duration.ofSeconds(5));
    }

    private long count(String sql, UUID[] ids) {
        return db.sql(sql).bind("ids", ids).map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }
}
