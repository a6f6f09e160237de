package com.patientcrm.notifications;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * App installations that FCM can reach. Registering is an upsert on the token: the same installation registering
 * again updates its row, and a phone another account signs in on moves to that account. A recipient keeps at most
 * {@value #MAX_ACTIVE} active devices; registering more deactivates the least recently registered. The token is
 * never given back out.
 */
@Component
public class Devices implements DisposableBean {

    static final int MAX_ACTIVE = 10;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Batcher<UUID, List<Target>> active;
    private final Batcher<UUID, Boolean> sent;

    Devices(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
        this.active = Batcher.of("devices.active", List.of(), this::loadActive);
        this.sent = Batcher.of("devices.sent", Boolean.TRUE, this::markSent);
    }

    public record Device(UUID id, String platform, String appVersion, boolean active, OffsetDateTime createdAt,
                         OffsetDateTime updatedAt, OffsetDateTime lastSentAt) {}

    /** What a push needs: the row and its token. */
    record Target(UUID id, String token, String platform) {}

    public Mono<Device> register(UUID recipientId, String token, String platform, String appVersion) {
        return db.sql("insert into notifications.devices (id, recipient_id, token, platform, app_version) "
                        + "values (:id, :recipient, :token, :platform, :version) on conflict (token) do update set "
                        + "recipient_id = excluded.recipient_id, platform = excluded.platform, "
                        + "app_version = excluded.app_version, active = true, inactive_reason = null, updated_at = now() "
                        + "returning " + COLUMNS)
                .bind("id", UUID.randomUUID()).bind("recipient", recipientId).bind("token", token)
                .bind("platform", platform).bind("version", Parameter.fromOrEmpty(appVersion, String.class))
                .map(Devices::device).one()
                .flatMap(device -> db.sql("update notifications.devices set active = false, inactive_reason = 'replaced', "
                                + "updated_at = now() where id in (select id from notifications.devices where "
                                + "recipient_id = :recipient and active order by updated_at desc, id offset :max)")
                        .bind("recipient", recipientId).bind("max", MAX_ACTIVE).then().thenReturn(device))
                .as(tx::transactional);
    }

    public Flux<Device> list(UUID recipientId) {
        return db.sql("select " + COLUMNS + " from notifications.devices where recipient_id = :recipient and active "
                        + "order by updated_at desc, id")
                .bind("recipient", recipientId).map(Devices::device).all();
    }

    /** Forgets the installation (the app signed out); answers false when it is not the recipient's. */
    public Mono<Boolean> remove(UUID recipientId, UUID deviceId) {
        return db.sql("delete from notifications.devices where id = :id and recipient_id = :recipient")
                .bind("id", deviceId).bind("recipient", recipientId).fetch().rowsUpdated().map(n -> n > 0);
    }

    /** The recipient's active devices, most recently registered first (looked up together with other messages'). */
    Mono<List<Target>> activeFor(UUID recipientId) {
        return active.get(recipientId);
    }

    private Mono<Map<UUID, List<Target>>> loadActive(List<UUID> recipientIds) {
        return db.sql("select recipient_id, id, token, platform from notifications.devices "
                        + "where recipient_id = any(cast(:recipients as uuid[])) and active order by updated_at desc, id")
                .bind("recipients", recipientIds.toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("recipient_id", UUID.class), new Target(row.get("id", UUID.class),
                        row.get("token", String.class), row.get("platform", String.class))))
                .all()
                .collect(HashMap<UUID, List<Target>>::new,
                        (map, e) -> map.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()))
                .<Map<UUID, List<Target>>>map(map -> map);
    }

    /** FCM said the token is dead (UNREGISTERED) or not a token at all: never try it again. */
    Mono<Void> deactivate(UUID deviceId, String reason) {
        return db.sql("update notifications.devices set active = false, inactive_reason = :reason, updated_at = now() "
                        + "where id = :id")
                .bind("reason", reason).bind("id", deviceId).then();
    }

    /** Notes the push (together with other messages' pushes: one statement per batch). */
    Mono<Void> sent(UUID deviceId) {
        return sent.get(deviceId).then();
    }

    private Mono<Map<UUID, Boolean>> markSent(List<UUID> deviceIds) {
        return db.sql("update notifications.devices set last_sent_at = now() where id = any(cast(:ids as uuid[]))")
                .bind("ids", deviceIds.stream().sorted().toArray(UUID[]::new)).then().thenReturn(Map.of());
    }

    @Override
    public void destroy() {
        active.dispose();
        sent.dispose();
    }

    private static final String COLUMNS = "id, platform, app_version, active, created_at, updated_at, last_sent_at";

    private static Device device(Readable row) {
        return new Device(row.get("id", UUID.class), row.get("platform", String.class), row.get("app_version", String.class),
                Boolean.TRUE.equals(row.get("active", Boolean.class)), row.get("created_at", OffsetDateTime.class),
                row.get("updated_at", OffsetDateTime.class), row.get("last_sent_at", OffsetDateTime.class));
    }
}
