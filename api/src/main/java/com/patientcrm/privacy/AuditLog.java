package com.patientcrm.privacy;

import com.patientcrm.auth.Actor;
import com.patientcrm.notifications.Batcher;
import com.patientcrm.platform.RequestIds;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes the audit trail: one row per read of health data and per refused request. A read is recorded before
 * its answer leaves, so a read the trail does not show never reached the caller. The actor and request id come
 * from the request being served.
 *
 * <p>Reads, references to unknown records and refusals made at about the same time share one multi-row insert (a
 * group commit: a few milliseconds' wait, then one statement and one commit for all of them; under load about a
 * third of all requests write a row). Each caller still waits for its own row to be stored, and fails if the insert
 * fails. Such a row is written apart from any transaction of the caller's, so a read that its transaction undoes
 * stays recorded as attempted. Changes ({@link #acted}) are written in the caller's transaction, as before.
 */
@Component
public class AuditLog implements DisposableBean {

    private static final String INSERT = "insert into app.audit_events (actor_kind, actor_id, patient_id, resource, "
            + "resource_id, action, outcome, request_id) ";
    private static final UUID[] NO_PATIENT = {null};

    /**
     * One call's rows: one per patient (or one without a patient), the other columns shared. {@code seq} keeps two
     * identical calls apart: the batcher answers equal keys with one load entry, and each call is a row of its own.
     */
    private record Entry(long seq, String kind, String actor, UUID[] patients, String resource, String resourceId,
                         String action, String outcome, String request) {}

    private final DatabaseClient db;
    private final AtomicLong calls = new AtomicLong();
    private final Batcher<Entry, Boolean> rows;

    AuditLog(DatabaseClient db) {
        this.db = db;
        this.rows = Batcher.of("audit", Boolean.TRUE, this::insertAll);
    }

    /** The current caller read one record of a patient's health data. */
    public Mono<Void> read(String resource, UUID patientId, String resourceId) {
        return record(new UUID[] {patientId}, resource, resourceId, "read", "allowed");
    }

    /** The current caller read a list holding these patients' records: one row per patient, in one statement. */
    public Mono<Void> readAll(String resource, Collection<UUID> patientIds) {
        if (patientIds.isEmpty()) {
            return Mono.empty();
        }
        return record(patientIds.stream().distinct().toArray(UUID[]::new), resource, null, "search", "allowed");
    }

    private Mono<Void> record(UUID[] patients, String resource, String resourceId, String action, String outcome) {
        return Actor.current().flatMap(actor -> Mono.deferContextual(context -> write(actor, patients, resource,
                resourceId, action, outcome, RequestIds.of(context))));
    }

    /** Waits for the rows to be stored by the next group insert. */
    private Mono<Void> write(Actor actor, UUID[] patients, String resource, String resourceId, String action,
                             String outcome, String requestId) {
        return rows.get(new Entry(calls.incrementAndGet(), actor.kind(), actor.id(), patients, resource, resourceId,
                action, outcome, requestId)).then();
    }

    /** Every row of the calls made meanwhile, in the order they were made, in one statement. */
    private Mono<Map<Entry, Boolean>> insertAll(List<Entry> entries) {
        int count = 0;
        for (Entry entry : entries) {
            count += entry.patients().length;
        }
        String[] kinds = new String[count];
        String[] actors = new String[count];
        UUID[] patients = new UUID[count];
        String[] resources = new String[count];
        String[] ids = new String[count];
        String[] actions = new String[count];
        String[] outcomes = new String[count];
        String[] requests = new String[count];
        int row = 0;
        for (Entry entry : entries) {
            for (UUID patient : entry.patients()) {
                kinds[row] = entry.kind();
                actors[row] = entry.actor();
                patients[row] = patient;
                resources[row] = entry.resource();
                ids[row] = entry.resourceId();
                actions[row] = entry.action();
                outcomes[row] = entry.outcome();
                requests[row] = entry.request();
                row++;
            }
        }
        return db.sql(INSERT + "select * from unnest(cast(:kinds as text[]), cast(:actors as text[]), "
                        + "cast(:patients as uuid[]), cast(:resources as text[]), cast(:ids as text[]), "
                        + "cast(:actions as text[]), cast(:outcomes as text[]), cast(:requests as text[]))")
                .bind("kinds", kinds)
                .bind("actors", actors)
                .bind("patients", patients)
                .bind("resources", resources)
                .bind("ids", ids)
                .bind("actions", actions)
                .bind("outcomes", outcomes)
                .bind("requests", requests)
                .then()
                .thenReturn(Map.of());
    }

    @Override
    public void destroy() {
        rows.dispose();
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
        return record(NO_PATIENT, resource, resourceId, "reference", "not_found");
    }

    /** A refused request: who asked for what, and how it ended (denied or not found). */
    Mono<Void> refused(Actor actor, String requestId, String path, String method, String outcome) {
        return write(actor, NO_PATIENT, path.length() > 200 ? path.substring(0, 200) : path, null, method, outcome,
                requestId);
    }
}
