package com.patientcrm.notifications;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The record of every attempt on a channel (sent, logged, failed or skipped, with why), and the check that keeps a
 * message from going twice to one target: a retry after a crash finds the earlier success and sends nothing.
 * Counted per channel and status in the {@code notifications.deliveries} metric.
 */
@Component
class Deliveries {

    private final DatabaseClient db;
    private final MeterRegistry meters;

    Deliveries(DatabaseClient db, MeterRegistry meters) {
        this.db = db;
        this.meters = meters;
    }

    Mono<Void> record(UUID outboxId, Channel channel, String target, String status, String detail, String providerId) {
        meters.counter("notifications.deliveries", "channel", channel.code(), "status", status).increment();
        return db.sql("insert into notifications.deliveries (outbox_id, channel, target, status, detail, provider_id) "
                        + "values (:outbox, :channel, :target, :status, :detail, :provider) on conflict do nothing")
                .bind("outbox", outboxId).bind("channel", channel.code())
                .bind("target", Parameter.fromOrEmpty(target, String.class)).bind("status", status)
                .bind("detail", Parameter.fromOrEmpty(detail == null || detail.length() <= 500 ? detail
                        : detail.substring(0, 500), String.class))
                .bind("provider", Parameter.fromOrEmpty(providerId, String.class))
                .then();
    }

    /** The targets this message already reached on the channel. */
    Mono<Set<String>> reached(UUID outboxId, Channel channel) {
        return db.sql("select coalesce(target, '') as target from notifications.deliveries where outbox_id = :outbox "
                        + "and channel = :channel and status in ('sent', 'logged')")
                .bind("outbox", outboxId).bind("channel", channel.code())
                .map(row -> row.get("target", String.class)).all().collect(java.util.stream.Collectors.toSet());
    }
}
