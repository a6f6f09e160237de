package com.patientcrm.feed;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The SQL of articles as staff write them. */
@Component
class ArticleStore {

    private static final String COLUMNS = "id, title, summary, body_markdown, body_html, cover_url, tags, "
            + "condition_codes, department_ids, age_min, age_max, sex, status, version, published_at, created_by, "
            + "updated_by, created_at, updated_at";

    private final DatabaseClient db;

    ArticleStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<ArticleDtos.Article> insert(UUID id, ArticleDtos.ArticleInput in, String html, String by) {
        return bind(db.sql("insert into app.articles (id, title, summary, body_markdown, body_html, cover_url, tags, "
                        + "condition_codes, department_ids, age_min, age_max, sex, status, created_by, updated_by) values "
                        + "(:id, :title, :summary, :body, :html, :cover, :tags, :conditions, :departments, :ageMin, "
                        + ":ageMax, :sex, 'DRAFT', :by, :by) returning " + COLUMNS), id, in, html, by)
                .map(ArticleStore::article).one();
    }

    /** Applies the edit only on the version it was made on; empty when the article is missing or has moved on. */
    Mono<ArticleDtos.Article> update(UUID id, ArticleDtos.ArticleInput in, String html, String by) {
        return bind(db.sql("update app.articles set title = :title, summary = :summary, body_markdown = :body, "
                        + "body_html = :html, cover_url = :cover, tags = :tags, condition_codes = :conditions, "
                        + "department_ids = :departments, age_min = :ageMin, age_max = :ageMax, sex = :sex, "
                        + "updated_by = :by, version = version + 1, updated_at = now() "
                        + "where id = :id and version = :version returning " + COLUMNS), id, in, html, by)
                .bind("version", in.version())
                .map(ArticleStore::article).one();
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, UUID id,
                                                          ArticleDtos.ArticleInput in, String html, String by) {
        return spec.bind("id", id).bind("title", in.title().strip())
                .bind("summary", Parameter.fromOrEmpty(in.summary(), String.class))
                .bind("body", in.body()).bind("html", html)
                .bind("cover", Parameter.fromOrEmpty(in.coverUrl(), String.class))
                .bind("tags", in.tagsOrNone().toArray(String[]::new))
                .bind("conditions", in.conditionsOrNone().toArray(String[]::new))
                .bind("departments", in.departmentsOrNone().toArray(UUID[]::new))
                .bind("ageMin", Parameter.fromOrEmpty(in.ageMin(), Integer.class))
                .bind("ageMax", Parameter.fromOrEmpty(in.ageMax(), Integer.class))
                .bind("sex", Parameter.fromOrEmpty(in.sex(), String.class))
                .bind("by", by);
    }

    /**
     * Moves the article to {@code to} from any of {@code from}, bumping its version; the first publication sets
     * {@code published_at}. Empty when it is missing or not in a state it may move from.
     */
    Mono<ArticleDtos.Article> transition(UUID id, List<String> from, String to, String by) {
        return db.sql("update app.articles set status = :to, version = version + 1, updated_by = :by, updated_at = now(), "
                        + "published_at = case when :to = 'PUBLISHED' then coalesce(published_at, now()) else published_at end "
                        + "where id = :id and status = any(cast(:from as text[])) returning " + COLUMNS)
                .bind("id", id).bind("to", to).bind("by", by).bind("from", from.toArray(String[]::new))
                .map(ArticleStore::article).one();
    }

    /** The title of a published article, for a notice: no body to load per message. Empty for any other. */
    Mono<String> publishedTitle(UUID id) {
        return db.sql("select title from app.articles where id = :id and status = 'PUBLISHED'").bind("id", id)
                .map(row -> row.get("title", String.class)).one();
    }

    Mono<ArticleDtos.Article> find(UUID id) {
        return db.sql("select " + COLUMNS + " from app.articles where id = :id").bind("id", id)
                .map(ArticleStore::article).one();
    }

    /** Newest change first, then by id; {@code after} is the (updated_at, id) of the previous page's last item. */
    Flux<ArticleDtos.Article> list(String status, String tag, Instant afterTime, UUID afterId, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from app.articles where true");
        if (status != null) {
            sql.append(" and status = :status");
        }
        if (tag != null) {
            // A topic tag or a condition code: editors look for "diabetes" and for "E11" alike.
            sql.append(" and (tags @> array[cast(:tag as text)] or condition_codes @> array[cast(:tag as text)])");
        }
        if (afterId != null) {
            sql.append(" and (updated_at, id) < (:afterTime, :afterId)");
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.append(" order by updated_at desc, id desc limit :limit").toString())
                .bind("limit", limit);
        if (status != null) {
            spec = spec.bind("status", status);
        }
        if (tag != null) {
            spec = spec.bind("tag", tag);
        }
        if (afterId != null) {
            spec = spec.bind("afterTime", afterTime).bind("afterId", afterId);
        }
        return spec.map(ArticleStore::article).all();
    }

    Mono<Boolean> departmentsExist(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Mono.just(true);
        }
        return db.sql("select count(*) as n from app.departments where id = any(cast(:ids as uuid[]))")
                .bind("ids", ids.toArray(UUID[]::new)).map(row -> row.get("n", Long.class)).one()
                .map(n -> n == ids.size());
    }

    static ArticleDtos.Article article(Readable r) {
        return new ArticleDtos.Article(r.get("id", UUID.class), r.get("title", String.class),
                r.get("summary", String.class), r.get("body_markdown", String.class), r.get("body_html", String.class),
                r.get("cover_url", String.class), list(r.get("tags", String[].class)),
                list(r.get("condition_codes", String[].class)), list(r.get("department_ids", UUID[].class)),
                r.get("age_min", Integer.class), r.get("age_max", Integer.class), r.get("sex", String.class),
                r.get("status", String.class), r.get("version", Integer.class),
                r.get("published_at", OffsetDateTime.class), r.get("created_by", String.class),
                r.get("updated_by", String.class), r.get("created_at", OffsetDateTime.class),
                r.get("updated_at", OffsetDateTime.class));
    }

    static <T> List<T> list(T[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
