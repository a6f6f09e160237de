package com.patientcrm.platform;

import com.patientcrm.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The embedded PostgreSQL runs with {@code crm.db.embedded-settings} (application.yaml), not PostgreSQL's small-machine
 * defaults: the settings reach the server under their own names (a map key's underscores survive binding), and a
 * checkpoint comes by time rather than every few seconds of WAL (README, "Running against your own PostgreSQL").
 */
class EmbeddedDatabaseSettingsIntegrationTests extends IntegrationTest {

    @Test
    void theEmbeddedServerRunsWithTheConfiguredBuffersAndCheckpointSpacing() {
        StepVerifier.create(db.sql("select current_setting('shared_buffers') as buffers, "
                                + "current_setting('wal_buffers') as wal_buffers, "
                                + "current_setting('max_wal_size') as max_wal, "
                                + "current_setting('checkpoint_timeout') as timeout")
                        .map(row -> String.join(" ", row.get("buffers", String.class),
                                row.get("wal_buffers", String.class), row.get("max_wal", String.class),
                                row.get("timeout", String.class)))
                        .one())
                .expectNext("2GB 64MB 4GB 15min")
                .verifyComplete();
    }
}
