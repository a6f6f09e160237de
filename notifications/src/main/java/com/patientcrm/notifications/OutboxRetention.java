package com.patientcrm.notifications;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Deletes finished outbox messages (sent, skipped, cancelled, dead) once {@code crm.outbox.retention} has passed
 * since their last change, with their channel attempts ({@code deliveries}, which name the device or openid they
 * went to). Every message names a patient and what happened to them, so none is kept longer than the hospital needs
 * it (PIPL and GDPR data minimisation). Messages still to be sent are never touched.
 * <p>
 * Hourly on every instance, in bounded batches; rows another instance is deleting are skipped, not waited for. The
 * search reads the table rather than an index: an index on {@code updated_at}, even a BRIN one (whose summaries
 * widen with every update), put ~20 % on each status change of a message in a test of the same update pattern, and
 * those changes are the dispatcher's hot path; an hour's scan of the table costs far less. What
 * goes with a message: its dedupe key (a cause replayed after the retention would act again: every producer's cause
 * is idempotent upstream, a report's version, a care plan's generation, a WeChat MsgId), its place in the staff
 * history (a resend answers 404). The patient's in-app inbox and the staff's resend records stay: they are the
 * patient's own messages and the staff's audit trail.
 */
@Component
class OutboxRetention {

    private static final Logger log = LoggerFactory.getLogger(OutboxRetention.class);
    static final int BATCH = 5_000;

    private final DatabaseClient db;
    private final OutboxProperties properties;
    private final Counter pruned;

    OutboxRetention(DatabaseClient db, OutboxProperties properties, ObjectProvider<MeterRegistry> meters) {
        this.db = db;
        this.properties = properties;
        this.pruned = Counter.builder("crm.outbox.pruned")
                .description("Finished outbox messages deleted after the retention period")
                .register(meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new));
    }

    @Scheduled(initialDelayString = "PT2M", fixedDelayString = "PT1H")
    Mono<Long> prune() {
        if (properties.retention().isZero()) {
            return Mono.just(0L);
        }
        return pruneBatch().expand(deleted -> deleted == BATCH ? pruneBatch() : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(total -> {
                    if (total > 0) {
                        pruned.increment(total);
                        log.info("Deleted {} finished outbox messages older than {}", total, properties.retention());
                    }
                })
                .onErrorResume(e -> {
                    log.warn("Could not delete finished outbox messages past their retention; next hour: {}", e.toString());
                    return Mono.just(0L);
                });
    }

    /** One batch, one statement: the messages and their channel attempts go together. */
    private Mono<Long> pruneBatch() {
        return db.sql("with gone as (delete from notifications.outbox where ctid = any(array(select ctid "
                        + "from notifications.outbox where status in ('done', 'skipped', 'cancelled', 'dead') "
                        + "and updated_at < now() - make_interval(secs => :keep) limit :batch for update skip locked)) "
                        + "returning id), "
                        + "attempts as (delete from notifications.deliveries where outbox_id in (select id from gone)) "
                        + "select count(*) as n from gone")
                .bind("keep", (double) properties.retention().toSeconds()).bind("batch", BATCH)
                .map(row -> row.get("n", Long.class)).one();
    }
}
