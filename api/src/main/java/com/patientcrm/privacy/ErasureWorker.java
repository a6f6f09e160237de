package com.patientcrm.privacy;

import com.patientcrm.auth.AccountErasure;
import com.patientcrm.notifications.NotificationRecords;
import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import com.patientcrm.patients.Patients;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries out an erasure whose grace period has ended, in one transaction (all of it happens, or none and the
 * dispatcher retries):
 * <ol>
 *   <li>the account's own patient record and its family members' (those no other account links to) lose every
 *       personal column and their link to the account;</li>
 *   <li>each {@link ErasureParticipant} erases or detaches what its module holds (booking: appointments still to
 *       come are cancelled, the hospital told by webhook with {@code cancelledBy: patient_erasure}; open waitlist
 *       entries close; person keys and idempotency records go);</li>
 *   <li>pending notifications to these patients are withdrawn; their inbox, devices, WeChat credits and contact
 *       preferences are deleted;</li>
 *   <li>the consent ledger keeps what was agreed and when, without the client IP and user agent;</li>
 *   <li>data exports are deleted;</li>
 *   <li>sign-in identities go, refresh tokens are revoked, and the account is marked erased;</li>
 *   <li>the audit trail gains one row per patient erased.</li>
 * </ol>
 * What stays, and why, is in the README ("What erasure keeps").
 */
@Component
class ErasureWorker implements OutboxHandler {

    private static final Logger log = LoggerFactory.getLogger(ErasureWorker.class);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Patients patients;
    private final List<ErasureParticipant> participants;
    private final NotificationRecords notifications;
    private final AccountErasure accounts;
    private final AuditLog audit;
    private final JsonMapper json;

    ErasureWorker(DatabaseClient db, TransactionalOperator tx, Patients patients, List<ErasureParticipant> participants,
                  NotificationRecords notifications, AccountErasure accounts, AuditLog audit, JsonMapper json) {
        this.db = db;
        this.tx = tx;
        this.patients = patients;
        this.participants = participants;
        this.notifications = notifications;
        this.accounts = accounts;
        this.audit = audit;
        this.json = json;
    }

    @Override
    public Set<String> topics() {
        return Set.of(Erasures.TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        UUID requestId = entry.subjectId();
        // The lock makes a cancellation arriving now wait, then find the request completed (or win, and we skip).
        return db.sql("select account_id, effective_at, effective_at > now() as early from app.erasure_requests "
                        + "where id = :id and status = 'SCHEDULED' for update")
                .bind("id", requestId)
                .map(row -> new Due(row.get("account_id", UUID.class), row.get("effective_at", OffsetDateTime.class),
                        Boolean.TRUE.equals(row.get("early", Boolean.class))))
                .one()
                .flatMap(due -> due.early() ? Mono.just(Outcome.defer(due.effectiveAt().toInstant(), "grace period"))
                        : erase(requestId, due.accountId()).thenReturn(Outcome.done()))
                .defaultIfEmpty(Outcome.skipped("the erasure request was cancelled"))
                .as(tx::transactional);
    }

    private record Due(UUID accountId, OffsetDateTime effectiveAt, boolean early) {}

    private Mono<Void> erase(UUID requestId, UUID accountId) {
        Map<String, Object> summary = new LinkedHashMap<>();
        return patients.erase(accountId).flatMap(ids -> {
            summary.put("patientsErased", ids.size());
            return Flux.fromIterable(participants)
                    .concatMap(participant -> participant.erase(accountId, ids))
                    .doOnNext(counts -> summary.putAll(counts))
                    .then(notifications.erase(ids))
                    .doOnNext(counts -> summary.putAll(counts))
                    .then(forgetConsentDetails(ids))
                    .then(db.sql("delete from app.data_exports where account_id = :account")
                            .bind("account", accountId).fetch().rowsUpdated())
                    .doOnNext(exports -> summary.put("dataExportsDeleted", exports))
                    .then(accounts.erase(accountId))
                    .then(audit.bySystem("erasure", "patient", ids, requestId.toString(), "erase"))
                    .then(Mono.defer(() -> complete(requestId, summary)));
        }).doOnSuccess(done -> log.info("Erasure request {} carried out", requestId));
    }

    private Mono<Void> forgetConsentDetails(List<UUID> ids) {
        return db.sql("update app.consent_records set client_ip = null, user_agent = null "
                        + "where patient_id = any(cast(:patients as uuid[])) and (client_ip is not null or user_agent is not null)")
                .bind("patients", ids.toArray(UUID[]::new)).then();
    }

    private Mono<Void> complete(UUID requestId, Map<String, Object> summary) {
        return db.sql("update app.erasure_requests set status = 'COMPLETED', completed_at = now(), "
                        + "summary = cast(:summary as jsonb) where id = :id")
                .bind("summary", json.writeValueAsString(summary)).bind("id", requestId).then();
    }
}
