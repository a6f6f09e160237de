package com.patientcrm.reports;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The SQL of reports, their versions and PDFs. Patients see only FINAL and AMENDED reports. */
@Component
class ReportStore {

    static final String VISIBLE = "r.status in ('FINAL', 'AMENDED')";

    private final DatabaseClient db;
    private final JsonMapper json;

    ReportStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** What a version holds besides its metadata: lab items or imaging findings. */
    record Content(List<ReportDtos.LabItem> items, ReportDtos.Imaging imaging) {}

    /** The columns a push writes. */
    record Values(String externalId, UUID patientId, UUID appointmentId, UUID departmentId, String kind, String title,
                  String status, OffsetDateTime issuedAt, long version, Content content, int abnormalCount,
                  boolean critical) {}

    /** An applied push: the report's id, and its status before (null when it is new). */
    record Applied(UUID id, String previousStatus) {}

    /** A report's id and stored version, by the hospital's id. */
    record Stored(UUID id, long version) {}

    /** What composing a report's notice needs. */
    record State(String status, long version, String title) {}

    /** A report as the patient reads it: its summary and its current version's content. */
    record Found(ReportSummary summary, int versionCount, Content content, ReportDtos.PdfInfo pdf) {}

    /** Inserts, or replaces a report whose stored version is older; empty when the push was stale or a replay. */
    Mono<Applied> upsert(Values v) {
        // Pushes of one report take turns (a lock until the transaction ends, also when the report is new), so the
        // stored status read here is the one this version replaces: whether it amends what the patient could read.
        return db.sql("select pg_advisory_xact_lock(hashtextextended('app.reports:' || :ext, 0))")
                .bind("ext", v.externalId()).then()
                .then(db.sql("select status from app.reports where external_id = :ext").bind("ext", v.externalId())
                        .map(row -> row.get("status", String.class)).one()).map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(previous -> write(v).map(id -> new Applied(id, previous.orElse(null))));
    }

    private Mono<UUID> write(Values v) {
        return db.sql("insert into app.reports (id, external_id, patient_id, appointment_id, department_id, kind, title, "
                        + "status, issued_at, source_version, abnormal_count, critical) values (:id, :ext, :patient, "
                        + ":appointment, :department, :kind, :title, :status, :issued, :version, :abnormal, :critical) "
                        + "on conflict (external_id) do update set patient_id = excluded.patient_id, "
                        + "appointment_id = excluded.appointment_id, department_id = excluded.department_id, "
                        + "kind = excluded.kind, title = excluded.title, status = excluded.status, "
                        + "issued_at = excluded.issued_at, source_version = excluded.source_version, "
                        + "abnormal_count = excluded.abnormal_count, critical = excluded.critical, "
                        + "version_count = app.reports.version_count + 1, "
                        + "amended_at = case when app.reports.status in ('FINAL', 'AMENDED') "
                        + "and excluded.status <> 'CANCELLED' then now() else app.reports.amended_at end, updated_at = now() "
                        + "where app.reports.source_version < excluded.source_version "
                        + "returning id")
                .bind("id", UUID.randomUUID()).bind("ext", v.externalId()).bind("patient", v.patientId())
                .bind("appointment", Parameter.fromOrEmpty(v.appointmentId(), UUID.class))
                .bind("department", Parameter.fromOrEmpty(v.departmentId(), UUID.class))
                .bind("kind", v.kind()).bind("title", v.title()).bind("status", v.status())
                .bind("issued", v.issuedAt()).bind("version", v.version()).bind("abnormal", v.abnormalCount())
                .bind("critical", v.critical())
                .map(row -> row.get("id", UUID.class)).one()
                .flatMap(id -> db.sql("insert into app.report_versions (report_id, source_version, status, title, "
                                + "issued_at, content, abnormal_count, critical) values (:id, :version, :status, :title, "
                                + ":issued, cast(:content as jsonb), :abnormal, :critical)")
                        .bind("id", id).bind("version", v.version()).bind("status", v.status())
                        .bind("title", v.title()).bind("issued", v.issuedAt())
                        .bind("content", json.writeValueAsString(v.content())).bind("abnormal", v.abnormalCount())
                        .bind("critical", v.critical()).then().thenReturn(id));
    }

    /** The stored id and version of a report, by the hospital's id. */
    Mono<Stored> stored(String externalId) {
        return db.sql("select id, source_version from app.reports where external_id = :ext").bind("ext", externalId)
                .map(row -> new Stored(row.get("id", UUID.class), row.get("source_version", Long.class))).one();
    }

    Mono<Boolean> exists(String sql, Object key) {
        return db.sql("select exists (" + sql + ") as e").bind("key", key).map(row -> row.get("e", Boolean.class)).one();
    }

    Mono<Boolean> appointmentOf(UUID appointmentId, UUID patientId) {
        return db.sql("select exists (select 1 from app.appointments where id = :id and patient_id = :patient) as e")
                .bind("id", appointmentId).bind("patient", patientId).map(row -> row.get("e", Boolean.class)).one();
    }

    Mono<UUID> departmentId(String externalId) {
        return db.sql("select id from app.departments where external_id = :ext").bind("ext", externalId)
                .map(row -> row.get("id", UUID.class)).one();
    }

    Mono<State> state(UUID id) {
        return db.sql("select status, source_version, title from app.reports where id = :id").bind("id", id)
                .map(row -> new State(row.get("status", String.class), row.get("source_version", Long.class),
                        row.get("title", String.class)))
                .one();
    }

    /** A page of the patients' visible reports, newest issued first, after the cursor's position when given. */
    Flux<ReportSummary> page(List<UUID> patientIds, ReportCursor after, int limit) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(SUMMARY + "where r.patient_id = any(cast(:ids as uuid[])) and "
                        + VISIBLE + (after == null ? "" : " and (r.issued_at, r.id) < (:at, :after)")
                        + " order by r.issued_at desc, r.id desc limit :limit")
                .bind("ids", patientIds.toArray(UUID[]::new)).bind("limit", limit);
        if (after != null) {
            spec = spec.bind("at", OffsetDateTime.ofInstant(after.at(), ZoneOffset.UTC)).bind("after", after.id());
        }
        return spec.map(ReportStore::summary).all();
    }

    /** One visible report of these patients: the summary and the content of its current version. */
    Mono<Found> find(UUID id, List<UUID> patientIds) {
        return db.sql(COLUMNS + ", r.version_count, v.content::text as content, f.source_version as pdf_version, "
                        + "f.size_bytes, f.uploaded_at" + FROM + "join app.report_versions v on v.report_id = r.id "
                        + "and v.source_version = r.source_version where r.id = :id "
                        + "and r.patient_id = any(cast(:ids as uuid[])) and " + VISIBLE)
                .bind("id", id).bind("ids", patientIds.toArray(UUID[]::new))
                .map(row -> {
                    Long pdfVersion = row.get("pdf_version", Long.class);
                    ReportDtos.PdfInfo pdf = pdfVersion == null ? null : new ReportDtos.PdfInfo(pdfVersion,
                            row.get("size_bytes", Integer.class), row.get("uploaded_at", OffsetDateTime.class));
                    return new Found(summary(row), row.get("version_count", Integer.class),
                            content(row.get("content", String.class)), pdf);
                })
                .one();
    }

    /** The versions a patient could read (FINAL or AMENDED), newest first. */
    Flux<ReportDtos.ReportVersion> versions(UUID id) {
        return db.sql("select source_version, status, title, issued_at, received_at, abnormal_count, critical, "
                        + "content::text as content from app.report_versions where report_id = :id "
                        + "and status in ('FINAL', 'AMENDED') order by source_version desc")
                .bind("id", id)
                .map(row -> {
                    Content content = content(row.get("content", String.class));
                    return new ReportDtos.ReportVersion(row.get("source_version", Long.class),
                            row.get("status", String.class), row.get("title", String.class),
                            row.get("issued_at", OffsetDateTime.class), row.get("received_at", OffsetDateTime.class),
                            row.get("abnormal_count", Integer.class), row.get("critical", Boolean.class),
                            content.items(), content.imaging());
                })
                .all();
    }

    /** Every visible report of one patient, newest first: the staff's view. */
    Flux<ReportSummary> ofPatient(UUID patientId) {
        return db.sql(SUMMARY + "where r.patient_id = :patient and " + VISIBLE + " order by r.issued_at desc, r.id desc")
                .bind("patient", patientId).map(ReportStore::summary).all();
    }

    /** Stores the PDF for the report's current version, replacing any earlier one; answers the version. */
    Mono<Long> storePdf(UUID reportId, byte[] content, String sha256) {
        return db.sql("insert into app.report_pdfs (report_id, source_version, content, size_bytes, sha256) "
                        + "select id, source_version, :content, :size, :sha from app.reports where id = :id "
                        + "on conflict (report_id) do update set source_version = excluded.source_version, "
                        + "content = excluded.content, size_bytes = excluded.size_bytes, sha256 = excluded.sha256, "
                        + "uploaded_at = now() returning source_version")
                .bind("id", reportId).bind("content", content).bind("size", content.length).bind("sha", sha256)
                .map(row -> row.get("source_version", Long.class)).one();
    }

    Mono<byte[]> pdf(UUID reportId) {
        return db.sql("select content from app.report_pdfs where report_id = :id").bind("id", reportId)
                .map(row -> row.get("content", byte[].class)).one();
    }

    /** Erasure: every report of these patients goes, with its versions and PDF; answers how many reports. */
    Mono<Long> deleteAllOf(List<UUID> patientIds) {
        return db.sql("delete from app.reports where patient_id = any(cast(:ids as uuid[]))")
                .bind("ids", patientIds.toArray(UUID[]::new)).fetch().rowsUpdated();
    }

    private Content content(String text) {
        return json.readValue(text, Content.class);
    }

    private static final String COLUMNS = "select r.id, r.patient_id, r.appointment_id, r.kind, r.title, r.status, "
            + "d.name as department_name, r.issued_at, r.source_version, r.amended_at, r.abnormal_count, r.critical, "
            + "f.report_id is not null as has_pdf";
    private static final String FROM = " from app.reports r left join app.departments d on d.id = r.department_id "
            + "left join app.report_pdfs f on f.report_id = r.id ";
    private static final String SUMMARY = COLUMNS + FROM;

    private static ReportSummary summary(Readable r) {
        OffsetDateTime amendedAt = r.get("amended_at", OffsetDateTime.class);
        return new ReportSummary(r.get("id", UUID.class), r.get("patient_id", UUID.class),
                r.get("appointment_id", UUID.class), r.get("kind", String.class), r.get("title", String.class),
                r.get("status", String.class), r.get("department_name", String.class),
                r.get("issued_at", OffsetDateTime.class), r.get("source_version", Long.class), amendedAt != null,
                amendedAt, r.get("abnormal_count", Integer.class), r.get("critical", Boolean.class),
                r.get("has_pdf", Boolean.class));
    }
}
