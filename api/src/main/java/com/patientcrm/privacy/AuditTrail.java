package com.patientcrm.privacy;

import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads the audit trail, newest first, in pages keyed by row id. Filters are written into the SQL only when given
 * (a generic "param is null or" filter would make PostgreSQL plan for the worst case and scan).
 */
@Component
class AuditTrail {

    static final int MAX_LIMIT = 200;

    private final DatabaseClient db;

    AuditTrail(DatabaseClient db) {
        this.db = db;
    }

    record Filter(List<UUID> patientIds, String actorId, String actorKind, OffsetDateTime from, OffsetDateTime to,
                  String excludeActorId) {}

    record Event(long id, OffsetDateTime occurredAt, String actorKind, String actorId, UUID patientId, String resource,
                 String resourceId, String action, String outcome, String requestId) {}

    record Page(List<Event> items, String nextCursor) {}

    Mono<Page> find(Filter filter, String cursor, int limit) {
        Long after = parseCursor(cursor);
        List<String> where = new ArrayList<>();
        if (filter.patientIds() != null) {
            where.add("patient_id = any(cast(:patients as uuid[]))");
        }
        if (filter.actorId() != null) {
            where.add("actor_id = :actor");
        }
        if (filter.actorKind() != null) {
            where.add("actor_kind = :kind");
        }
        if (filter.from() != null) {
            where.add("occurred_at >= :from");
        }
        if (filter.to() != null) {
            where.add("occurred_at < :to");
        }
        if (filter.excludeActorId() != null) {
            where.add("actor_id is distinct from :exclude");
        }
        if (after != null) {
            where.add("id < :after");
        }
        String sql = "select id, occurred_at, actor_kind, actor_id, patient_id, resource, resource_id, action, outcome, "
                + "request_id from app.audit_events" + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
                + " order by id desc limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("limit", limit + 1);
        if (filter.patientIds() != null) {
            spec = spec.bind("patients", filter.patientIds().toArray(UUID[]::new));
        }
        if (filter.actorId() != null) {
            spec = spec.bind("actor", filter.actorId());
        }
        if (filter.actorKind() != null) {
            spec = spec.bind("kind", filter.actorKind());
        }
        if (filter.from() != null) {
            spec = spec.bind("from", filter.from());
        }
        if (filter.to() != null) {
            spec = spec.bind("to", filter.to());
        }
        if (filter.excludeActorId() != null) {
            spec = spec.bind("exclude", filter.excludeActorId());
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map(AuditTrail::event).all().collectList().map(rows -> rows.size() > limit
                ? new Page(rows.subList(0, limit), Long.toString(rows.get(limit - 1).id()))
                : new Page(rows, null));
    }

    private static Event event(Readable row) {
        return new Event(row.get("id", Long.class), row.get("occurred_at", OffsetDateTime.class),
                row.get("actor_kind", String.class), row.get("actor_id", String.class), row.get("patient_id", UUID.class),
                row.get("resource", String.class), row.get("resource_id", String.class), row.get("action", String.class),
                row.get("outcome", String.class), row.get("request_id", String.class));
    }

    private static Long parseCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            long value = Long.parseLong(cursor);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problems.invalidField("cursor", "is not a cursor this API gave out");
    }
}
