package com.patientcrm.reports;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reports facade: the hospital's upserts (a report, its new version and its "report ready" message commit
 * together), the patient's reads (self and family members only; anything else is not found), and
 * {@link #summariesFor} for staff views, which audit on their own.
 */
@Service
public class Reports {

    static final String TOPIC = "report.ready";

    private final ReportStore store;
    private final Patients patients;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final Clock clock;

    Reports(ReportStore store, Patients patients, Outbox outbox, TransactionalOperator tx, Clock clock) {
        this.store = store;
        this.patients = patients;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    /** A patient's reports as a staff view lists them, newest first; the caller audits the read. */
    public Flux<ReportSummary> summariesFor(UUID patientId) {
        return store.ofPatient(patientId);
    }

    Mono<ReportDtos.UpsertResult> upsert(ReportDtos.HospitalReport body) {
        return Mono.fromSupplier(() -> content(body)).flatMap(content -> references(body).flatMap(departmentId -> {
            List<ReportDtos.LabItem> items = content.items() == null ? List.of() : content.items();
            int abnormal = (int) items.stream().filter(item -> item.abnormal() != null).count();
            boolean critical = items.stream().anyMatch(item -> "CRITICAL".equals(item.abnormal()));
            ReportStore.Values values = new ReportStore.Values(body.externalId(), body.patientId(), body.appointmentId(),
                    departmentId.orElse(null), body.kind(), body.title(), body.status(), body.issuedAt(), body.version(),
                    content, abnormal, critical);
            return store.upsert(values)
                    .flatMap(applied -> announce(applied, body)
                            .thenReturn(new ReportDtos.UpsertResult(applied.id(), body.externalId(), true, body.version())))
                    .switchIfEmpty(Mono.defer(() -> store.stored(body.externalId()).map(stored ->
                            new ReportDtos.UpsertResult(stored.id(), body.externalId(), false, stored.version()))));
        })).as(tx::transactional);
    }

    /**
     * A version the patient may read raises "report ready" (or "amended" when it replaces one they could read),
     * once per version; a cancelled report withdraws what was not sent yet.
     */
    private Mono<Void> announce(ReportStore.Applied applied, ReportDtos.HospitalReport body) {
        if (!visible(body.status())) {
            return outbox.cancelPending(applied.id(), TOPIC).then();
        }
        boolean amended = visible(applied.previousStatus());
        return outbox.enqueue(new OutboxMessage(TOPIC, TOPIC + ":" + applied.id() + ":" + body.version(),
                body.patientId(), applied.id(), Map.of("reportId", applied.id().toString(), "version", body.version(),
                        "amended", amended), clock.instant()));
    }

    Mono<ReportDtos.Page> page(UUID accountId, UUID patientId, String cursor, int limit) {
        ReportCursor after = null;
        if (cursor != null) {
            after = ReportCursor.decode(cursor).orElseThrow(() ->
                    Problems.invalidField("cursor", "is not a cursor this API gave out"));
        }
        ReportCursor from = after;
        return scope(accountId, patientId).flatMap(ids -> store.page(ids, from, limit + 1).collectList())
                .map(list -> {
                    boolean more = list.size() > limit;
                    List<ReportSummary> items = more ? list.subList(0, limit) : list;
                    ReportSummary last = items.isEmpty() ? null : items.get(items.size() - 1);
                    return new ReportDtos.Page(List.copyOf(items),
                            more ? new ReportCursor(last.issuedAt().toInstant(), last.id()).encode() : null);
                });
    }

    Mono<ReportDtos.Report> get(UUID accountId, UUID reportId) {
        return owned(accountId, reportId).map(found -> {
            ReportSummary s = found.summary();
            ReportStore.Content content = found.content();
            return new ReportDtos.Report(s.id(), s.patientId(), s.appointmentId(), s.kind(), s.title(), s.status(),
                    s.departmentName(), s.issuedAt(), s.versionNumber(), found.versionCount(), s.amended(), s.amendedAt(),
                    s.abnormalCount(), s.critical(), content.items(), content.imaging(), found.pdf());
        });
    }

    /** The report's patient and the versions they may read, newest first. */
    Mono<Map.Entry<UUID, List<ReportDtos.ReportVersion>>> versions(UUID accountId, UUID reportId) {
        return owned(accountId, reportId).flatMap(found -> store.versions(reportId).collectList()
                .map(list -> Map.entry(found.summary().patientId(), list)));
    }

    /** The report's PDF and its patient; 404 when the report is not the caller's or has no PDF. */
    Mono<Map.Entry<UUID, byte[]>> pdf(UUID accountId, UUID reportId) {
        return owned(accountId, reportId).flatMap(found -> store.pdf(reportId)
                .map(bytes -> Map.entry(found.summary().patientId(), bytes)))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("report PDF")));
    }

    Mono<ReportDtos.PdfStored> storePdf(String externalId, byte[] content) {
        String sha256 = ReportPdfs.sha256(content);
        return store.stored(externalId).switchIfEmpty(Mono.error(() -> Problems.notFound("report")))
                .flatMap(stored -> store.storePdf(stored.id(), content, sha256)
                        .map(version -> new ReportDtos.PdfStored(stored.id(), externalId, version, content.length,
                                sha256)));
    }

    private Mono<ReportStore.Found> owned(UUID accountId, UUID reportId) {
        return patients.actsFor(accountId).collectList().flatMap(ids -> store.find(reportId, ids))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("report")));
    }

    /** The patients a list covers: all the account acts for, or the one asked for if it is among them. */
    private Mono<List<UUID>> scope(UUID accountId, UUID patientId) {
        return patients.actsFor(accountId).collectList().flatMap(ids -> {
            if (patientId == null) {
                return Mono.just(ids);
            }
            return ids.contains(patientId) ? Mono.just(List.of(patientId)) : Mono.error(Problems.notFound("patient"));
        });
    }

    private static ReportStore.Content content(ReportDtos.HospitalReport body) {
        if ("LAB".equals(body.kind())) {
            if (body.items() == null || body.imaging() != null) {
                throw Problems.invalidField("items", "a LAB report carries items and no imaging");
            }
            return new ReportStore.Content(body.items(), null);
        }
        if (body.items() != null || body.imaging() == null
                || blank(body.imaging().findings()) && blank(body.imaging().impression())) {
            throw Problems.invalidField("imaging", "an IMAGING report carries imaging with findings or an impression, "
                    + "and no items");
        }
        return new ReportStore.Content(null, body.imaging());
    }

    /** The patient, appointment and department named must exist; answers the department's id. */
    private Mono<java.util.Optional<UUID>> references(ReportDtos.HospitalReport body) {
        Mono<Void> patient = store.exists("select 1 from app.patients where id = :key and erased_at is null",
                body.patientId()).flatMap(ok -> ok ? Mono.empty() : Mono.error(unknown("patientId", "No such patient.")));
        Mono<Void> appointment = body.appointmentId() == null ? Mono.empty()
                : store.appointmentOf(body.appointmentId(), body.patientId())
                        .flatMap(ok -> ok ? Mono.empty() : Mono.error(unknown("appointmentId",
                                "No appointment of this patient has this id.")));
        Mono<java.util.Optional<UUID>> department = body.departmentExternalId() == null
                ? Mono.just(java.util.Optional.empty())
                : store.departmentId(body.departmentExternalId()).map(java.util.Optional::of)
                        .switchIfEmpty(Mono.error(() -> unknown("departmentExternalId", "No department with this id was pushed.")));
        return patient.then(appointment).then(department);
    }

    /** Patients read FINAL and AMENDED reports only. */
    static boolean visible(String status) {
        return "FINAL".equals(status) || "AMENDED".equals(status);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static RuntimeException unknown(String field, String detail) {
        var problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-reference", "Unknown reference", detail);
        problem.getBody().setProperty("field", field);
        return problem;
    }
}
