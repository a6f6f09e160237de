package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** The outbox stores a message once per dedupe key, only when the caller's transaction commits. */
class OutboxIntegrationTests extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionalOperator tx;

    @Test
    void theSameDedupeKeyIsStoredOnce() {
        UUID subject = UUID.randomUUID();
        OutboxMessage message = new OutboxMessage("test.topic", "test:" + subject, null, subject,
                Map.of("n", 1), Instant.now());

        outbox.enqueue(message).then(outbox.enqueue(message)).block();

        assertThat(count(subject)).isEqualTo(1);
        assertThat(outbox.cancelPending(subject, "test.topic").block()).isEqualTo(1);
        assertThat(outbox.cancelPending(subject, "test.topic").block()).isZero();
    }

    @Test
    void aRolledBackTransactionLeavesNoMessage() {
        UUID subject = UUID.randomUUID();
        OutboxMessage message = new OutboxMessage("test.topic", "test:" + subject, null, subject, Map.of(), Instant.now());

        outbox.enqueue(message).then(Mono.error(new IllegalStateException("the change failed")))
                .as(tx::transactional).onErrorResume(IllegalStateException.class, e -> Mono.empty()).block();

        assertThat(count(subject)).isZero();
    }

    private long count(UUID subject) {
        return db.sql("select count(*) as n from notifications.outbox where subject_id = :s").bind("s", subject)
                .map(r -> r.get("n", Long.class)).one().block();
    }
}
