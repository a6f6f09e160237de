package com.patientcrm.notifications;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The record of every attempt on a channel (sent, logged, failed or skipped, with why), and the check that keeps a
 * message from going twice to one target: a retry after a crash finds the earlier success and sends nothing.
 * Counted per channel and status in the {@code notifications.deliveries} metric.
 */
@Component
class Deliveries implements DisposableBean {

    private final DatabaseClient db;
    private final MeterRegistry meters;
    private final Batcher<Row, Boolean> writes;
    private final Batcher<UUID, Map<Channel, Set<String>>> reads;

    Deliveries(DatabaseClient db, MeterRegistry meters) {
        this.db = db;
        this.meters = meters;
        this.writes = Batcher.of("deliveries.record", Boolean.TRUE, this::write);
        this.reads = Batcher.of("deliveries.reached", Map.of(), this::read);
    }

    private record Row(UUID outboxId, String channel, String target, String status, String detail, String providerId) {}

    /**
     * Records an attempt; completes once the row is stored (written together with others recorded meanwhile). The
     * record of a success is written again while the database cannot be reached (a restart, a hang: seconds, usually):
     * the message has reached the patient, and if the record were lost, the retry after the claim's lease would find
     * no success and send it a second time. The dispatcher's handler timeout bounds how long it keeps trying.
     */
    Mono<Void> record(UUID outboxId, Channel channel, String target, String status, String detail, String providerId) {
        meters.counter("notifications.deliveries", "channel", channel.code(), "status", status).increment();
        Row row = new Row(outboxId, channel.code(), target, status,
                detail == null || detail.length() <= 500 ? detail : detail.substring(0, 500), providerId);
        Mono<Void> write = Mono.defer(() -> writes.get(row)).then();
        return "sent".equals(status) || "logged".equals(status)
                ? write.retryWhen(Retry.backoff(SUCCESS_RETRIES, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2))
                        .filter(Deliveries::databaseUnavailable))
                : write;
    }

    /** Enough tries to outlast the dispatcher's handler timeout (each try waits up to the database's own timeouts). */
    private static final int SUCCESS_RETRIES = 30;

    private static boolean databaseUnavailable(Throwable e) {
        return e instanceof TransientDataAccessException || e instanceof DataAccessResourceFailureException
                || e instanceof R2dbcTransientException || e instanceof R2dbcNonTransientResourceException;
    }

    /** The targets this message already reached on the channel. */
    Mono<Set<String>> reached(UUID outboxId, Channel channel) {
        return reads.get(outboxId).map(byChannel -> byChannel.getOrDefault(channel, Set.of()));
    }

    private Mono<Map<Row, Boolean>> write(List<Row> rows) {
        // One order for every batch, so that two batches never wait on each other's unique-index entries.
        List<Row> sorted = rows.stream().sorted(Comparator.comparing(Row::outboxId).thenComparing(Row::channel)
                .thenComparing(r -> r.target() == null ? "" : r.target())).toList();
        return db.sql("insert into notifications.deliveries (outbox_id, channel, target, status, detail, provider_id) "
                        + "select * from unnest(cast(:outbox as uuid[]), cast(:channel as text[]), cast(:target as text[]), "
                        + "cast(:status as text[]), cast(:detail as text[]), cast(:provider as text[])) on conflict do nothing")
                .bind("outbox", sorted.stream().map(Row::outboxId).toArray(UUID[]::new))
                .bind("channel", sorted.stream().map(Row::channel).toArray(String[]::new))
                .bind("target", sorted.stream().map(Row::target).toArray(String[]::new))
                .bind("status", sorted.stream().map(Row::status).toArray(String[]::new))
                .bind("detail", sorted.stream().map(Row::detail).toArray(String[]::new))
                .bind("provider", sorted.stream().map(Row::providerId).toArray(String[]::new))
                .then().thenReturn(Map.of());
    }

    private Mono<Map<UUID, Map<Channel, Set<String>>>> read(List<UUID> outboxIds) {
        return db.sql("select outbox_id, channel, coalesce(target, '') as target from notifications.deliveries "
                        + "where outbox_id = any(cast(:outbox as uuid[])) and status in ('sent', 'logged')")
                .bind("outbox", outboxIds.toArray(UUID[]::new))
                .map(row -> new Object[] {row.get("outbox_id", UUID.class), Channel.parse(row.get("channel", String.class)).orElseThrow(),
                        row.get("target", String.class)})
                .all()
                .collect(HashMap<UUID, Map<Channel, Set<String>>>::new, (map, r) -> map
                        .computeIfAbsent((UUID) r[0], k -> new EnumMap<>(Channel.class))
                        .computeIfAbsent((Channel) r[1], k -> new HashSet<>()).add((String) r[2]))
                .<Map<UUID, Map<Channel, Set<String>>>>map(map -> map);
    }

    @Override
    public void destroy() {
        writes.dispose();
        reads.dispose();
    }
}
