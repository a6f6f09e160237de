package com.patientcrm.privacy;

import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What each patient agreed to. Every grant and every withdrawal is a new row (the table refuses updates), and a
 * patient's standing for a document is their latest row for it. Consent belongs to the account holder's own
 * patient record: the adult who acts for the family is the one who agrees.
 */
@Component
class ConsentLedger {

    private static final int HISTORY_LIMIT = 500;

    private final DatabaseClient db;
    private final ConsentCatalog catalog;
    private final Patients patients;

    ConsentLedger(DatabaseClient db, ConsentCatalog catalog, Patients patients) {
        this.db = db;
        this.catalog = catalog;
        this.patients = patients;
    }

    /** Where the request came from, as the ledger keeps it. */
    record Origin(String channel, String clientIp, String userAgent) {}

    /** Latest decision per document, of the account's own patient record. */
    record Latest(UUID documentId, int version, boolean granted, OffsetDateTime recordedAt) {}

    /** The required documents in force now that this account has not accepted in their current version. */
    Mono<List<ConsentDtos.Missing>> missingForAccount(UUID accountId) {
        return catalog.requiredNow().flatMap(required -> required.isEmpty() ? Mono.just(List.<ConsentDtos.Missing>of())
                : latest("(select id from app.patients where account_id = :owner)", accountId, ids(required))
                        .map(latest -> missing(required, latest)));
    }

    /** The holder whose consent governs a patient: the patient's own account, else the first account acting for them. */
    static final String ACTING_HOLDER = "(select coalesce((select p.id from app.patients p where p.id = :owner "
            + "and p.account_id is not null), (select l.owner_patient_id from app.family_links l "
            + "where l.member_id = :owner order by l.created_at limit 1)))";

    Mono<Map<UUID, Latest>> latest(String holder, UUID owner, UUID[] documents) {
        return db.sql("select distinct on (document_id) document_id, version, granted, recorded_at "
                        + "from app.consent_records where patient_id = " + holder
                        + " and document_id = any(cast(:documents as uuid[])) order by document_id, id desc")
                .bind("owner", owner).bind("documents", documents)
                .map(row -> new Latest(row.get("document_id", UUID.class), row.get("version", Integer.class),
                        row.get("granted", Boolean.class), row.get("recorded_at", OffsetDateTime.class)))
                .all().collectMap(Latest::documentId);
    }

    /** {@link #latest} for many account holders in one statement: holder to document to latest decision. */
    Mono<Map<UUID, Map<UUID, Latest>>> latestAll(UUID[] holders, UUID[] documents) {
        return db.sql("select distinct on (patient_id, document_id) patient_id, document_id, version, granted, "
                        + "recorded_at from app.consent_records where patient_id = any(cast(:holders as uuid[])) "
                        + "and document_id = any(cast(:documents as uuid[])) order by patient_id, document_id, id desc")
                .bind("holders", holders).bind("documents", documents)
                .map(row -> Map.entry(row.get("patient_id", UUID.class), new Latest(row.get("document_id", UUID.class),
                        row.get("version", Integer.class), row.get("granted", Boolean.class),
                        row.get("recorded_at", OffsetDateTime.class))))
                .all()
                .collect(HashMap<UUID, Map<UUID, Latest>>::new, (map, e) -> map
                        .computeIfAbsent(e.getKey(), k -> new HashMap<>()).put(e.getValue().documentId(), e.getValue()))
                .<Map<UUID, Map<UUID, Latest>>>map(map -> map);
    }

    Mono<ConsentDtos.MyConsents> mine(UUID accountId) {
        return patients.selfId(accountId).flatMap(self -> catalog.current(Instant.now()).flatMap(current -> {
            Map<UUID, ConsentCatalog.Row> byDocument = new HashMap<>();
            current.forEach(row -> byDocument.put(row.documentId(), row));
            Mono<List<ConsentDtos.Record>> history = db.sql("select r.document_id, d.kind, r.version, r.granted, "
                            + "r.recorded_at, r.channel from app.consent_records r join app.consent_documents d "
                            + "on d.id = r.document_id where r.patient_id = :self order by r.id desc limit :limit")
                    .bind("self", self).bind("limit", HISTORY_LIMIT)
                    .map(row -> new ConsentDtos.Record(row.get("document_id", UUID.class), row.get("kind", String.class),
                            row.get("version", Integer.class), row.get("granted", Boolean.class),
                            row.get("recorded_at", OffsetDateTime.class), row.get("channel", String.class)))
                    .all().collectList();
            return history.zipWith(latest(":owner", self, ids(current)), (records, latest) -> {
                List<ConsentDtos.Current> decisions = new ArrayList<>();
                latest.values().forEach(l -> decisions.add(new ConsentDtos.Current(l.documentId(),
                        byDocument.get(l.documentId()).kind(), l.version(), l.granted(), l.recordedAt(),
                        l.version() == byDocument.get(l.documentId()).version())));
                List<ConsentDtos.Missing> missing = missing(current.stream().filter(ConsentCatalog.Row::required)
                        .toList(), latest);
                return new ConsentDtos.MyConsents(decisions, missing, records);
            });
        }));
    }

    /**
     * Records a grant or a withdrawal of the version in force. Deciding on an older or a not yet effective version
     * is refused: the patient must see what applies now.
     */
    Mono<ConsentDtos.Record> decide(UUID accountId, ConsentDtos.Decision decision, Origin origin) {
        return catalog.current(Instant.now()).flatMap(current -> {
            ConsentCatalog.Row row = current.stream().filter(r -> r.documentId().equals(decision.documentId()))
                    .findFirst().orElse(null);
            if (row == null) {
                return Mono.error(Problems.notFound("consent document"));
            }
            if (row.version() != decision.version()) {
                var problem = Problems.of(HttpStatus.CONFLICT, "consent-version-not-current", "Not the current version",
                        "Version " + decision.version() + " is not the version in force; decide on version "
                                + row.version() + ".");
                problem.getBody().setProperty("currentVersion", row.version());
                return Mono.error(problem);
            }
            String channel = decision.channel() == null ? origin.channel() : decision.channel();
            return patients.selfId(accountId).flatMap(self -> db.sql("insert into app.consent_records (patient_id, "
                            + "document_id, version, granted, channel, client_ip, user_agent) values (:self, :document, "
                            + ":version, :granted, :channel, :ip, :agent) returning recorded_at")
                    .bind("self", self).bind("document", row.documentId()).bind("version", row.version())
                    .bind("granted", decision.granted()).bind("channel", channel)
                    .bind("ip", Parameter.fromOrEmpty(origin.clientIp(), String.class))
                    .bind("agent", Parameter.fromOrEmpty(origin.userAgent(), String.class))
                    .map(r -> new ConsentDtos.Record(row.documentId(), row.kind(), row.version(), decision.granted(),
                            r.get("recorded_at", OffsetDateTime.class), channel))
                    .one());
        });
    }

    private static List<ConsentDtos.Missing> missing(List<ConsentCatalog.Row> required, Map<UUID, Latest> latest) {
        List<ConsentDtos.Missing> missing = new ArrayList<>();
        for (ConsentCatalog.Row row : required) {
            Latest decision = latest.get(row.documentId());
            if (decision == null || !decision.granted() || decision.version() != row.version()) {
                missing.add(new ConsentDtos.Missing(row.documentId(), row.kind(), row.version()));
            }
        }
        return missing;
    }

    private static UUID[] ids(List<ConsentCatalog.Row> rows) {
        return rows.stream().map(ConsentCatalog.Row::documentId).toArray(UUID[]::new);
    }
}
