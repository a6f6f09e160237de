package com.patientcrm.privacy;

import com.patientcrm.auth.Actor;
import com.patientcrm.platform.RequestIds;
import java.util.Collection;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes the audit trail: one row per read of health data and per refused request. A read is recorded before
 * its answer leaves, so a read the trail does not show never reached the caller. The actor and request id come
 * from the request being served.
 */
@Component
public class AuditLog {

    private static final String INSERT = "insert into app.audit_events (actor_kind, actor_id, patient_id, resource, "
            + "resource_id, action, outcome, request_id) ";

    private final DatabaseClient db;

    AuditLog(DatabaseClient db) {
        this.db = db;
    }

    /** The current caller read one record of a patient's health data. */
    public Mono<Void> read(String resource, UUID patientId, String resourceId) {
        return Actor.current().flatMap(actor -> Mono.deferContextual(context ->
                db.sql(INSERT + "values (:kind, :actor, :patient, :resource, :id, 'read', 'allowed', :request)")
                        .bind("kind", actor.kind())
                        .bind("actor", Parameter.fromOrEmpty(actor.id(), String.class))
                        .bind("patient", Parameter.fromOrEmpty(patientId, UUID.class))
                        .bind("resource", resource)
                        .bind("id", Parameter.fromOrEmpty(resourceId, String.class))
                        .bind("request", Parameter.fromOrEmpty(RequestIds.of(context), String.class))
                        .then()));
    }

    /** The current caller read a list holding these patients' records: one row per patient, in one statement. */
    public Mono<Void> readAll(String resource, Collection<UUID> patientIds) {
        if (patientIds.isEmpty()) {
            return Mono.empty();
        }
        UUID[] distinct = patientIds.stream().distinct().toArray(UUID[]::new);
        return Actor.current().flatMap(actor -> Mono.deferContextual(context ->
                db.sql(INSERT + "select :kind, :actor, p, :resource, null, 'search', 'allowed', :request "
                                + "from unnest(cast(:patients as uuid[])) as p")
                        .bind("kind", actor.kind())
                        .bind("actor", Parameter.fromOrEmpty(actor.id(), String.class))
                        .bind("patients", distinct)
                        .bind("resource", resource)
                        .bind("request", Parameter.fromOrEmpty(RequestIds.of(context), String.class))
                        .then()));
    }

    /**
     * The current caller changed what happens to a patient's data (asked for or cancelled an erasure, resent a
     * notification).
     */
    public Mono<Void> acted(String resource, UUID patientId, String resourceId, String action) {
        return Actor.current().flatMap(actor -> Mono.deferContextual(context ->
                db.sql(INSERT + "values (:kind, :actor, :patient, :resource, :id, :action, 'allowed', :request)")
                        .bind("kind", actor.kind())
                        .bind("actor", Parameter.fromOrEmpty(actor.id(), String.class))
                        .bind("patient", patientId)
                        .bind("resource", resource)
                        .bind("id", resourceId)
                        .bind("action", action)
                        .bind("request", Parameter.fromOrEmpty(RequestIds.of(context), String.class))
                        .then()));
    }

    /**
     * The system itself acted on these patients' data (a due erasure carried out): one row per patient, the actor
     * being the job that acted.
     */
    Mono<Void> bySystem(String job, String resource, Collection<UUID> patientIds, String resourceId, String action) {
        if (patientIds.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(INSERT + "select 'system', :actor, p, :resource, :id, :action, 'allowed', null "
                        + "from unnest(cast(:patients as uuid[])) as p")
                .bind("actor", job)
                .bind("patients", patientIds.toArray(UUID[]::new))
                .bind("resource", resource)
                .bind("id", resourceId)
                .bind("action", action)
                .then();
    }

    /**
     * The current caller named, in what it sent, a record that is not theirs or does not exist, and was answered as
     * for a missing one: not found, with no patient (that would confirm whose it is).
     */
    public Mono<Void> unknownReference(String resource, String resourceId) {
        return Actor.current().flatMap(actor -> Mono.deferContextual(context ->
                db.sql(INSERT + "values (:kind, :actor, null, :resource, :id, 'reference', 'not_found', :request)")
                        .bind("kind", actor.kind())
                        .bind("actor", Parameter.fromOrEmpty(actor.id(), String.class))
                        .bind("resource", resource)
                        .bind("id", resourceId)
                        .bind("request", Parameter.fromOrEmpty(RequestIds.of(context), String.class))
                        .then()));
    }

    /** A refused request: who asked for what, and how it ended (denied or not found). */
    Mono<Void> refused(Actor actor, String requestId, String path, String method, String outcome) {
        return db.sql(INSERT + "values (:kind, :actor, null, :resource, null, :action, :outcome, :request)")
                .bind("kind", actor.kind())
                .bind("actor", Parameter.fromOrEmpty(actor.id(), String.class))
                .bind("resource", path.length() > 200 ? path.substring(0, 200) : path)
                .bind("action", method)
                .bind("outcome", outcome)
                .bind("request", Parameter.fromOrEmpty(requestId, String.class))
                .then();
    }
}
