package com.patientcrm.privacy;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A patient's request to be erased (PIPL Art. 47, GDPR Art. 17). The request and the outbox message that carries it
 * out when the grace period ends are written in one transaction; until then the patient can cancel it, which
 * withdraws the message. {@link ErasureWorker} does the erasing.
 */
@Component
class Erasures {

    static final String TOPIC = "privacy.erasure";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final Patients patients;
    private final AuditLog audit;
    private final Clock clock;
    private final JsonMapper json;
    private final Duration grace;

    Erasures(DatabaseClient db, TransactionalOperator tx, Outbox outbox, Patients patients, AuditLog audit, Clock clock,
             JsonMapper json, @Value("${crm.privacy.erasure-grace:P7D}") Duration grace) {
        this.db = db;
        this.tx = tx;
        this.outbox = outbox;
        this.patients = patients;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
        this.grace = grace;
    }

    record Status(UUID id, String status, OffsetDateTime requestedAt, OffsetDateTime effectiveAt,
                  OffsetDateTime cancelledAt, OffsetDateTime completedAt, JsonNode summary) {}

    record Requested(Status status, boolean created) {}

    /** Schedules the erasure, or answers the one already waiting (asking twice, even at once, makes one). */
    Mono<Requested> request(UUID accountId) {
        return patients.selfId(accountId)
                .flatMap(self -> waiting(accountId).map(existing -> new Requested(existing, false))
                        .switchIfEmpty(Mono.defer(() -> schedule(accountId, self))))
                .as(tx::transactional)
                // Two requests raced and the other inserted first: answer its request.
                .onErrorResume(DataIntegrityViolationException.class,
                        lost -> waiting(accountId).map(existing -> new Requested(existing, false)));
    }

    private Mono<Requested> schedule(UUID accountId, UUID self) {
        UUID id = UUID.randomUUID();
        Instant effective = clock.instant().plus(grace);
        return db.sql("insert into app.erasure_requests (id, account_id, status, effective_at) "
                        + "values (:id, :account, 'SCHEDULED', :effective)")
                .bind("id", id).bind("account", accountId).bind("effective", effective.atOffset(ZoneOffset.UTC)).then()
                .then(outbox.enqueue(new OutboxMessage(TOPIC, "erasure:" + id, self, id,
                        Map.of("requestId", id.toString()), effective)))
                .then(audit.acted("erasure-request", self, id.toString(), "erasure-requested"))
                .then(Mono.defer(() -> find(accountId, id)))
                .map(status -> new Requested(status, true));
    }

    /** The account's latest request, whatever became of it. */
    Mono<Status> latest(UUID accountId) {
        return db.sql(SELECT + "where account_id = :account order by requested_at desc limit 1")
                .bind("account", accountId).map(this::status).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("erasure request")));
    }

    /**
     * Cancels the waiting request and withdraws its message. The worker locks the request while it erases, so a
     * cancellation either lands first (nothing is erased) or finds the erasure done (409).
     */
    Mono<Status> cancel(UUID accountId) {
        return db.sql("update app.erasure_requests set status = 'CANCELLED', cancelled_at = now() "
                        + "where account_id = :account and status = 'SCHEDULED' returning id")
                .bind("account", accountId).map(row -> row.get("id", UUID.class)).one()
                .flatMap(id -> outbox.cancelPending(id, TOPIC)
                        .then(patients.selfId(accountId))
                        .flatMap(self -> audit.acted("erasure-request", self, id.toString(), "erasure-cancelled"))
                        .then(Mono.defer(() -> find(accountId, id))))
                .switchIfEmpty(Mono.defer(() -> latest(accountId).flatMap(last -> "COMPLETED".equals(last.status())
                        ? Mono.error(Problems.of(HttpStatus.CONFLICT, "erasure-completed", "Already erased",
                                "This account's data has already been erased; there is nothing left to cancel."))
                        : Mono.error(Problems.notFound("erasure request")))))
                .as(tx::transactional);
    }

    private Mono<Status> waiting(UUID accountId) {
        return db.sql(SELECT + "where account_id = :account and status = 'SCHEDULED'")
                .bind("account", accountId).map(this::status).one();
    }

    private Mono<Status> find(UUID accountId, UUID id) {
        return db.sql(SELECT + "where id = :id and account_id = :account").bind("id", id).bind("account", accountId)
                .map(this::status).one();
    }

    private static final String SELECT = "select id, status, requested_at, effective_at, cancelled_at, completed_at, "
            + "summary::text as summary from app.erasure_requests ";

    private Status status(Readable row) {
        String summary = row.get("summary", String.class);
        return new Status(row.get("id", UUID.class), row.get("status", String.class),
                row.get("requested_at", OffsetDateTime.class), row.get("effective_at", OffsetDateTime.class),
                row.get("cancelled_at", OffsetDateTime.class), row.get("completed_at", OffsetDateTime.class),
                summary == null ? null : json.readTree(summary));
    }
}
