package com.patientcrm.notifications;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and withdraws outbox messages. Call it inside the caller's transaction (same connection): the message
 * is stored if and only if the change that causes it commits.
 */
@Component
public class Outbox {

    private final DatabaseClient db;
    private final JsonMapper json;

    Outbox(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Stores the message unless one with the same dedupe key exists already. */
    public Mono<Void> enqueue(OutboxMessage message) {
        return insert(message, "").then();
    }

    /** As {@link #enqueue}, answering the stored message's id (its webhook-id), or nothing if the key existed. */
    public Mono<UUID> enqueueForId(OutboxMessage message) {
        return insert(message, " returning id").map(row -> row.get("id", UUID.class)).one();
    }

    private org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec insert(OutboxMessage message, String returning) {
        return db.sql("insert into notifications.outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at) "
                        + "values (:id, :topic, :key, :patient, :subject, cast(:payload as jsonb), :due) "
                        + "on conflict (dedupe_key) do nothing" + returning)
                .bind("id", UUID.randomUUID())
                .bind("topic", message.topic())
                .bind("key", message.dedupeKey())
                .bind("patient", Parameter.fromOrEmpty(message.patientId(), UUID.class))
                .bind("subject", Parameter.fromOrEmpty(message.subjectId(), UUID.class))
                .bind("payload", json.writeValueAsString(message.payload()))
                .bind("due", message.dueAt());
    }

    /** Stores several messages in one statement (one round trip), each unless its dedupe key exists already. */
    public Mono<Void> enqueueAll(java.util.List<OutboxMessage> messages) {
        StringBuilder sql = new StringBuilder("insert into notifications.outbox (id, topic, dedupe_key, patient_id, "
                + "subject_id, payload, due_at) values ");
        for (int i = 0; i < messages.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :topic").append(i).append(", :key").append(i)
                    .append(", :patient").append(i).append(", :subject").append(i).append(", cast(:payload").append(i)
                    .append(" as jsonb), :due").append(i).append(')');
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.append(" on conflict (dedupe_key) do nothing").toString());
        for (int i = 0; i < messages.size(); i++) {
            OutboxMessage m = messages.get(i);
            spec = spec.bind("id" + i, UUID.randomUUID()).bind("topic" + i, m.topic()).bind("key" + i, m.dedupeKey())
                    .bind("patient" + i, Parameter.fromOrEmpty(m.patientId(), UUID.class))
                    .bind("subject" + i, Parameter.fromOrEmpty(m.subjectId(), UUID.class))
                    .bind("payload" + i, json.writeValueAsString(m.payload()))
                    .bind("due" + i, m.dueAt());
        }
        return spec.then();
    }

    /**
     * The messages as the JSON array that the SQL function {@code notifications.enqueue(jsonb)} stores, for a module
     * that writes a change and its messages in one statement of its own; the same rows as {@link #enqueueAll}.
     */
    public String json(java.util.List<OutboxMessage> messages) {
        java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>(messages.size());
        for (OutboxMessage m : messages) {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("topic", m.topic());
            row.put("dedupeKey", m.dedupeKey());
            row.put("patientId", m.patientId());
            row.put("subjectId", m.subjectId());
            row.put("payload", m.payload());
            row.put("dueAt", m.dueAt().toString());
            rows.add(row);
        }
        return json.writeValueAsString(rows);
    }

    /**
     * Withdraws the subject's pending messages of this topic (a cancelled appointment's reminders); answers how many.
     * A message a dispatcher is sending right now is left to finish.
     */
    public Mono<Long> cancelPending(UUID subjectId, String topic) {
        return withdraw("select id from notifications.outbox where subject_id = :subject and topic = :topic "
                + "and status = 'pending'", null)
                .bind("subject", subjectId)
                .bind("topic", topic)
                .map(row -> row.get("n", Long.class)).one();
    }

    /**
     * Withdraws every pending message addressed to these patients, whatever its topic (their data is being
     * erased, so nothing may reach them any more); answers how many. Messages for others that merely mention the
     * patient (a hospital webhook) have no patient and are left alone.
     */
    public Mono<Long> withdrawAllFor(java.util.Collection<UUID> patientIds) {
        return withdraw("select id from notifications.outbox where patient_id = any(cast(:patients as uuid[])) "
                + "and status = 'pending'", "patient data erased")
                .bind("patients", patientIds.toArray(UUID[]::new))
                .map(row -> row.get("n", Long.class)).one();
    }

    /**
     * Cancels the messages {@code pending} selects, in one statement: their queue rows go (unless claimed by a
     * dispatcher whose lease still runs) and exactly those messages become cancelled.
     */
    private DatabaseClient.GenericExecuteSpec withdraw(String pending, String reason) {
        return db.sql("with gone as (delete from notifications.outbox_queue q where q.id in (" + pending + ") "
                + "and (q.claim_token is null or q.due_at < now()) returning q.id), "
                + "cancelled as (update notifications.outbox o set status = 'cancelled', "
                + "last_error = coalesce(cast(:reason as text), o.last_error), updated_at = now() "
                + "from gone where o.id = gone.id returning o.id) "
                + "select count(*) as n from cancelled")
                .bind("reason", Parameter.fromOrEmpty(reason, String.class));
    }

    /**
     * Every message kept about these patients, newest first, for their data export: topic, status, times and
     * payload (no claim or lease details).
     */
    public reactor.core.publisher.Flux<java.util.Map<String, Object>> history(java.util.Collection<UUID> patientIds) {
        return db.sql("select id, topic, status, patient_id, payload::text as payload, due_at, attempts, created_at, "
                        + "updated_at from notifications.outbox where patient_id = any(cast(:patients as uuid[])) "
                        + "order by created_at desc")
                .bind("patients", patientIds.toArray(UUID[]::new))
                .map(row -> {
                    java.util.Map<String, Object> message = new java.util.LinkedHashMap<>();
                    message.put("id", row.get("id", UUID.class));
                    message.put("topic", row.get("topic", String.class));
                    message.put("status", row.get("status", String.class));
                    message.put("patientId", row.get("patient_id", UUID.class));
                    message.put("payload", json.readTree(row.get("payload", String.class)));
                    message.put("dueAt", row.get("due_at", java.time.OffsetDateTime.class));
                    message.put("attempts", row.get("attempts", Integer.class));
                    message.put("createdAt", row.get("created_at", java.time.OffsetDateTime.class));
                    message.put("updatedAt", row.get("updated_at", java.time.OffsetDateTime.class));
                    return message;
                })
                .all();
    }

    /**
     * How a subject's messages of one topic fared (a campaign's pushes): still to go ({@code pending}, being sent),
     * sent (done, and at least one channel sent or logged it), and not sent (skipped at send time, withdrawn, dead,
     * or done without any channel carrying it).
     */
    public record Tally(long pending, long sent, long notSent) {}

    public Mono<Tally> tally(UUID subjectId, String topic) {
        return db.sql("select count(*) filter (where o.status = 'pending') as pending, "
                        + "count(*) filter (where o.status = 'done' and s.sent) as sent, "
                        + "count(*) filter (where o.status in ('skipped', 'cancelled', 'dead') "
                        + "or (o.status = 'done' and not s.sent)) as not_sent "
                        + "from notifications.outbox o cross join lateral (select exists (select 1 from "
                        + "notifications.deliveries d where d.outbox_id = o.id and d.status in ('sent', 'logged')) as sent) s "
                        + "where o.subject_id = :subject and o.topic = :topic")
                .bind("subject", subjectId)
                .bind("topic", topic)
                .map(row -> new Tally(row.get("pending", Long.class), row.get("sent", Long.class),
                        row.get("not_sent", Long.class)))
                .one();
    }
}
