package com.patientcrm.booking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Forgets booking Idempotency-Keys older than {@code crm.booking.idempotency-key-ttl}, in bounded batches, every
 * hour on every instance (deleting twice is harmless). Within the TTL a repeated request answers the original booking.
 */
@Component
class IdempotencyKeys {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);
    private static final int BATCH = 10_000;

    private final DatabaseClient db;
    private final BookingProperties properties;

    IdempotencyKeys(DatabaseClient db, BookingProperties properties) {
        this.db = db;
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
    Mono<Long> purge() {
        return purgeBatch().expand(deleted -> deleted == BATCH ? purgeBatch() : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(total -> {
                    if (total > 0) {
                        log.info("Forgot {} booking idempotency keys older than {}", total, properties.idempotencyKeyTtl());
                    }
                })
                .onErrorResume(e -> {
                    log.warn("Could not purge old idempotency keys; next hour: {}", e.toString());
                    return Mono.just(0L);
                });
    }

    private Mono<Long> purgeBatch() {
        return db.sql("delete from app.idempotency_keys where ctid = any(array(select ctid from app.idempotency_keys "
                        + "where created_at < now() - make_interval(secs => :ttl) limit :batch))")
                .bind("ttl", (double) properties.idempotencyKeyTtl().toSeconds()).bind("batch", BATCH)
                .fetch().rowsUpdated();
    }
}
