package com.patientcrm.privacy;

import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Consent documents and their versions. The live documents are few and change rarely, yet the consent gate asks
 * for them on every patient call, so they are held in memory: reloaded after every change made here and at most
 * {@link #REFRESH} after a change made on another instance.
 */
@Component
class ConsentCatalog {

    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Duration BACKDATE_TOLERANCE = Duration.ofMinutes(5);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private volatile Mono<List<Row>> live;

    ConsentCatalog(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
        this.live = load();
    }

    /** A version of a live document, with its document's kind and title. */
    record Row(UUID documentId, String kind, ConsentDtos.Localized title, int version, ConsentDtos.Localized text,
               OffsetDateTime effectiveAt, boolean required) {}

    /** Per live document, the version in force at {@code at} (documents with no version in force yet are left out). */
    Mono<List<Row>> current(Instant at) {
        return live.map(rows -> {
            Map<UUID, Row> current = new LinkedHashMap<>();
            for (Row row : rows) {
                if (!row.effectiveAt().toInstant().isAfter(at)) {
                    current.merge(row.documentId(), row, (a, b) -> a.version() >= b.version() ? a : b);
                }
            }
            return List.copyOf(current.values());
        });
    }

    Mono<List<Row>> requiredNow() {
        return current(Instant.now()).map(rows -> rows.stream().filter(Row::required).toList());
    }

    Mono<List<ConsentDtos.Document>> documents() {
        return db.sql("select id from app.consent_documents order by created_at, id")
                .map(row -> row.get("id", UUID.class)).all()
                .concatMap(this::document).collectList();
    }

    Mono<ConsentDtos.Document> document(UUID id) {
        Mono<List<ConsentDtos.Version>> versions = db.sql("select version, text_zh, text_en, effective_at, required, "
                        + "created_at from app.consent_versions where document_id = :id order by version")
                .bind("id", id)
                .map(row -> new ConsentDtos.Version(row.get("version", Integer.class),
                        new ConsentDtos.Localized(row.get("text_zh", String.class), row.get("text_en", String.class)),
                        row.get("effective_at", OffsetDateTime.class), row.get("required", Boolean.class),
                        row.get("created_at", OffsetDateTime.class)))
                .all().collectList();
        return db.sql("select id, kind, title_zh, title_en, retired_at, created_at from app.consent_documents "
                        + "where id = :id")
                .bind("id", id)
                .map(row -> new ConsentDtos.Document(id, row.get("kind", String.class),
                        new ConsentDtos.Localized(row.get("title_zh", String.class), row.get("title_en", String.class)),
                        null, row.get("retired_at", OffsetDateTime.class), row.get("created_at", OffsetDateTime.class),
                        List.of()))
                .one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("consent document")))
                .zipWith(versions, (document, all) -> new ConsentDtos.Document(document.id(), document.kind(),
                        document.title(), currentVersion(all), document.retiredAt(), document.createdAt(), all));
    }

    private static Integer currentVersion(List<ConsentDtos.Version> versions) {
        Instant now = Instant.now();
        Integer current = null;
        for (ConsentDtos.Version version : versions) {
            if (!version.effectiveAt().toInstant().isAfter(now)) {
                current = version.version();
            }
        }
        return current;
    }

    Mono<ConsentDtos.Document> create(ConsentDtos.NewDocument body) {
        UUID id = UUID.randomUUID();
        return db.sql("insert into app.consent_documents (id, kind, title_zh, title_en) values (:id, :kind, :zh, :en)")
                .bind("id", id).bind("kind", body.kind())
                .bind("zh", body.title().zhCn()).bind("en", body.title().en())
                .then()
                .onErrorMap(DataIntegrityViolationException.class, e -> Problems.of(HttpStatus.CONFLICT,
                        "consent-document-exists", "Document exists",
                        "A live " + body.kind() + " document exists already: add a version to it, or retire it first."))
                .then(Mono.defer(() -> document(id)));
    }

    /**
     * Adds the next version. Its effective time may lie in the future (announced ahead) but not in the past: a
     * patient cannot have been bound by a text before it existed.
     */
    Mono<ConsentDtos.Version> addVersion(UUID documentId, ConsentDtos.NewVersion body, String createdBy) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime effective = body.effectiveAt() == null ? now : body.effectiveAt();
        if (effective.isBefore(now.minus(BACKDATE_TOLERANCE))) {
            return Mono.error(Problems.invalidField("effectiveAt", "must not lie in the past"));
        }
        return db.sql("select retired_at from app.consent_documents where id = :id for update")
                .bind("id", documentId)
                .map(row -> java.util.Optional.ofNullable(row.get("retired_at", OffsetDateTime.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("consent document")))
                .flatMap(retired -> retired.isPresent()
                        ? Mono.error(Problems.of(HttpStatus.CONFLICT, "consent-document-retired", "Document retired",
                                "A retired document takes no new versions."))
                        : db.sql("insert into app.consent_versions (document_id, version, text_zh, text_en, "
                                        + "effective_at, required, created_by) select :id, coalesce(max(version), 0) + 1, "
                                        + ":zh, :en, :effective, :required, :by from app.consent_versions "
                                        + "where document_id = :id returning version, created_at")
                                .bind("id", documentId).bind("zh", body.text().zhCn()).bind("en", body.text().en())
                                .bind("effective", effective).bind("required", body.required())
                                .bind("by", createdBy)
                                .map(row -> new ConsentDtos.Version(row.get("version", Integer.class), body.text(),
                                        effective, body.required(), row.get("created_at", OffsetDateTime.class)))
                                .one())
                .as(tx::transactional)
                .doOnSuccess(version -> reload());
    }

    Mono<ConsentDtos.Document> retire(UUID documentId) {
        return db.sql("update app.consent_documents set retired_at = coalesce(retired_at, now()) where id = :id")
                .bind("id", documentId).fetch().rowsUpdated()
                .flatMap(updated -> updated == 0 ? Mono.error(Problems.notFound("consent document"))
                        : Mono.fromRunnable(this::reload).then(document(documentId)));
    }

    private void reload() {
        live = load();
    }

    private Mono<List<Row>> load() {
        return db.sql("select d.id, d.kind, d.title_zh, d.title_en, v.version, v.text_zh, v.text_en, v.effective_at, "
                        + "v.required from app.consent_documents d join app.consent_versions v on v.document_id = d.id "
                        + "where d.retired_at is null order by d.created_at, d.id, v.version")
                .map(ConsentCatalog::row)
                .all().collect(ArrayList<Row>::new, ArrayList::add)
                .map(List::<Row>copyOf)
                .cache(rows -> REFRESH, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    private static Row row(Readable row) {
        return new Row(row.get("id", UUID.class), row.get("kind", String.class),
                new ConsentDtos.Localized(row.get("title_zh", String.class), row.get("title_en", String.class)),
                row.get("version", Integer.class),
                new ConsentDtos.Localized(row.get("text_zh", String.class), row.get("text_en", String.class)),
                row.get("effective_at", OffsetDateTime.class), row.get("required", Boolean.class));
    }
}
