package com.patientcrm.privacy;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A patient's copy of everything we hold about them and their family members. The request is stored with an outbox
 * message in one transaction, so a dispatcher on any instance writes it within seconds, and a crash in between
 * loses nothing. The download works until the export expires; then the content is dropped.
 */
@Component
class DataExports {

    static final String TOPIC = "privacy.data-export";
    private static final Logger log = LoggerFactory.getLogger(DataExports.class);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final Patients patients;
    private final AuditLog audit;

    DataExports(DatabaseClient db, TransactionalOperator tx, Outbox outbox, Patients patients, AuditLog audit) {
        this.db = db;
        this.tx = tx;
        this.outbox = outbox;
        this.patients = patients;
        this.audit = audit;
    }

    record Status(UUID id, String status, OffsetDateTime requestedAt, OffsetDateTime readyAt, OffsetDateTime expiresAt,
                  String downloadUrl) {}

    /**
     * Starts an export, or answers the one still being written (asking twice does not make two). A pending export
     * older than ten minutes is taken as stuck (its writer keeps failing), and a new one is started beside it.
     */
    Mono<Status> request(UUID accountId) {
        return patients.selfId(accountId).flatMap(self -> db.sql(SELECT + "where account_id = :account and status = "
                                + "'PENDING' and requested_at > now() - interval '10 minutes' "
                                + "order by requested_at desc limit 1")
                        .bind("account", accountId).map(DataExports::status).one()
                        .switchIfEmpty(Mono.defer(() -> start(accountId, self))))
                .as(tx::transactional);
    }

    private Mono<Status> start(UUID accountId, UUID self) {
        UUID id = UUID.randomUUID();
        return db.sql("insert into app.data_exports (id, account_id, status) values (:id, :account, 'PENDING')")
                .bind("id", id).bind("account", accountId).then()
                .then(outbox.enqueue(new OutboxMessage(TOPIC, "data-export:" + id, self, id,
                        Map.of("exportId", id.toString()), Instant.now())))
                .then(Mono.defer(() -> find(accountId, id)));
    }

    Mono<Status> find(UUID accountId, UUID id) {
        return db.sql(SELECT + "where id = :id and account_id = :account").bind("id", id).bind("account", accountId)
                .map(DataExports::status).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("data export")));
    }

    /** The export's JSON; 409 while it is being written, 410 once it has expired. The read is audited. */
    Mono<String> download(UUID accountId, UUID id) {
        return db.sql("select status, expires_at < now() as expired, content from app.data_exports "
                        + "where id = :id and account_id = :account")
                .bind("id", id).bind("account", accountId)
                .map(row -> new Object[] {row.get("status", String.class), row.get("expired", Boolean.class),
                        row.get("content", String.class)})
                .one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("data export")))
                .flatMap(row -> {
                    if ("PENDING".equals(row[0])) {
                        return Mono.error(Problems.of(HttpStatus.CONFLICT, "export-not-ready", "Not ready",
                                "The export is still being written; ask again in a few seconds."));
                    }
                    if (!"READY".equals(row[0]) || Boolean.TRUE.equals(row[1]) || row[2] == null) {
                        return Mono.error(Problems.of(HttpStatus.GONE, "export-expired", "Export expired",
                                "This export is no longer available; request a new one."));
                    }
                    return patients.selfId(accountId)
                            .flatMap(self -> audit.read("data-export", self, id.toString()))
                            .thenReturn((String) row[2]);
                });
    }

    /** Drops the content of expired exports (every instance may run it; the update is idempotent). */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void expire() {
        db.sql("update app.data_exports set status = 'EXPIRED', content = null where status = 'READY' "
                        + "and expires_at < now()")
                .fetch().rowsUpdated()
                .subscribe(count -> {
                    if (count > 0) {
                        log.info("Expired {} data exports", count);
                    }
                }, e -> log.warn("Could not expire data exports ({})", e.getClass().getSimpleName()));
    }

    private static final String SELECT = "select id, case when status = 'READY' and expires_at < now() then 'EXPIRED' "
            + "else status end as status, requested_at, ready_at, expires_at from app.data_exports ";

    private static Status status(Readable row) {
        UUID id = row.get("id", UUID.class);
        String status = row.get("status", String.class);
        return new Status(id, status, row.get("requested_at", OffsetDateTime.class),
                row.get("ready_at", OffsetDateTime.class), row.get("expires_at", OffsetDateTime.class),
                "READY".equals(status) ? "/api/v1/me/data-export/" + id + "/download" : null);
    }
}
