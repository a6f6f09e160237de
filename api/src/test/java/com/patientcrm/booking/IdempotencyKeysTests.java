package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Idempotency-Keys are remembered for their TTL (24 h by default) and forgotten after it. */
class IdempotencyKeysTests extends IntegrationTest {

    @Autowired
    IdempotencyKeys keys;

    @Test
    void keysOlderThanTheirTtlAreForgottenAndNewerOnesKept() {
        UUID account = UUID.randomUUID();
        db.sql("insert into app.idempotency_keys (account_id, key, request_hash, created_at) values "
                + "(:a, 'old', '\\x00', now() - interval '25 hours'), (:a, 'fresh', '\\x00', now() - interval '23 hours')")
                .bind("a", account).then().block();

        assertThat(keys.purge().block()).isGreaterThanOrEqualTo(1L);

        assertThat(db.sql("select key from app.idempotency_keys where account_id = :a").bind("a", account)
                .map(r -> r.get("key", String.class)).all().collectList().block()).containsExactly("fresh");
    }
}
