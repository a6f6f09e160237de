package com.patientcrm.feed;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The SQL of the patient's side: what we know that an article can match, the ranked feed, reads and interests. */
@Component
class FeedStore {

    /** Weights of a match; freshness adds up to {@link #FRESHNESS} more, halving every half-life. */
    static final int CONDITION = 10;
    static final int INTEREST = 6;
    static final int DEPARTMENT = 4;
    static final int TARGETED = 1;
    static final int FRESHNESS = 5;

    private final DatabaseClient db;

    FeedStore(DatabaseClient db) {
        this.db = db;
    }

    /**
     * What an article can match for a patient: sex and birth date from the profile, conditions of active care plans
     * and diagnoses of visits completed in the last two years,
     * departments of the patient's appointments (booked or attended) and of active plans, declared interests.
     */
    record Facts(String sex, LocalDate birthDate, List<String> conditions, List<UUID> departments, List<String> interests) {}

    Mono<Facts> facts(UUID patientId) {
        return db.sql("select p.gender, p.birth_date, "
                        + "array(select c.condition_code from app.care_plans c where c.patient_id = p.id "
                        + "and c.status = 'ACTIVE' union select unnest(a.diagnosis_codes) from app.appointments a "
                        + "where a.patient_id = p.id and a.status = 'COMPLETED' "
                        + "and a.starts_at > now() - interval '2 years') as conditions, "
                        + "array(select d.department_id from app.appointments a join app.doctors d on d.id = a.doctor_id "
                        + "where a.patient_id = p.id and a.status in ('BOOKED', 'CHECKED_IN', 'COMPLETED') union "
                        + "select c.department_id from app.care_plans c where c.patient_id = p.id and c.status = 'ACTIVE' "
                        + "and c.department_id is not null) as departments, "
                        + "array(select i.tag from app.patient_interests i where i.patient_id = p.id order by i.tag) as interests "
                        + "from app.patients p where p.id = :id and p.erased_at is null")
                .bind("id", patientId)
                .map(row -> new Facts(row.get("gender", String.class), row.get("birth_date", LocalDate.class),
                        ArticleStore.list(row.get("conditions", String[].class)),
                        ArticleStore.list(row.get("departments", UUID[].class)),
                        ArticleStore.list(row.get("interests", String[].class))))
                .one();
    }

    /** Where the previous page ended: its snapshot time and its last item's sort key. */
    record After(Instant asOf, BigDecimal score, Instant publishedAt, UUID id) {}

    /** A ranked feed row with its sort key. */
    record Ranked(ArticleDtos.FeedItem item, BigDecimal score) {}

    /**
     * One page of the feed as of {@code asOf}: published articles (published by then) whose age range and sex let the
     * patient in, by score, then newest, then id. The score depends only on the article, the patient's facts and
     * {@code asOf}, which every page of one paging session shares, so the order cannot shift under the cursor.
     */
    Flux<Ranked> page(UUID patientId, Facts facts, Integer age, Instant asOf, long halfLifeSeconds, After after, int limit) {
        String sql = "select * from (select a.id, a.title, a.summary, a.cover_url, a.tags, a.published_at, m.cond, "
                + "m.dept, m.interest, round(cast((case when m.cond then " + CONDITION + " else 0 end) "
                + "+ (case when m.interest then " + INTEREST + " else 0 end) "
                + "+ (case when m.dept then " + DEPARTMENT + " else 0 end) "
                + "+ (case when a.sex is not null or a.age_min is not null or a.age_max is not null then " + TARGETED
                + " else 0 end) + " + FRESHNESS + " * power(0.5, cast(extract(epoch from (cast(:asOf as timestamptz) "
                + "- a.published_at)) as float8) / :halfLife) as numeric), 6) as score, "
                + "exists (select 1 from app.article_reads r where r.patient_id = :patient and r.article_id = a.id) as read "
                + "from app.articles a cross join lateral (select "
                + "exists (select 1 from unnest(a.condition_codes) p, unnest(cast(:conditions as text[])) c "
                + "where c like p || '%') as cond, "
                + "a.department_ids && cast(:departments as uuid[]) as dept, "
                + "(a.tags && cast(:interests as text[]) or exists (select 1 from unnest(a.condition_codes) p, "
                + "unnest(cast(:interests as text[])) i where i like p || '%' or p like i || '%')) as interest) m "
                + "where a.status = 'PUBLISHED' and a.published_at <= :asOf "
                + "and (a.sex is null or a.sex = :sex) and (a.age_min is null or a.age_min <= :age) "
                + "and (a.age_max is null or a.age_max >= :age)) ranked "
                + (after == null ? "" : "where (score, published_at, id) < (:score, :published, :after) ")
                + "order by score desc, published_at desc, id desc limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("asOf", asOf).bind("halfLife", (double) halfLifeSeconds)
                .bind("patient", patientId)
                .bind("conditions", facts.conditions().toArray(String[]::new))
                .bind("departments", facts.departments().toArray(UUID[]::new))
                .bind("interests", facts.interests().toArray(String[]::new))
                .bind("sex", Parameter.fromOrEmpty(facts.sex(), String.class))
                .bind("age", Parameter.fromOrEmpty(age, Integer.class))
                .bind("limit", limit);
        if (after != null) {
            spec = spec.bind("score", after.score()).bind("published", after.publishedAt()).bind("after", after.id());
        }
        return spec.map(row -> {
            List<String> matched = new ArrayList<>();
            if (Boolean.TRUE.equals(row.get("cond", Boolean.class))) {
                matched.add("condition");
            }
            if (Boolean.TRUE.equals(row.get("dept", Boolean.class))) {
                matched.add("department");
            }
            if (Boolean.TRUE.equals(row.get("interest", Boolean.class))) {
                matched.add("interest");
            }
            return new Ranked(new ArticleDtos.FeedItem(row.get("id", UUID.class), row.get("title", String.class),
                    row.get("summary", String.class), row.get("cover_url", String.class),
                    ArticleStore.list(row.get("tags", String[].class)), row.get("published_at", OffsetDateTime.class),
                    matched, Boolean.TRUE.equals(row.get("read", Boolean.class))), row.get("score", BigDecimal.class));
        }).all();
    }

    /** A published article as the patient reads it; empty for any other. */
    Mono<ArticleDtos.PatientArticle> published(UUID articleId, UUID patientId) {
        return db.sql("select a.id, a.title, a.summary, a.body_html, a.cover_url, a.tags, a.condition_codes, "
                        + "a.published_at, exists (select 1 from app.article_reads r where r.patient_id = :patient "
                        + "and r.article_id = a.id) as read from app.articles a where a.id = :id and a.status = 'PUBLISHED'")
                .bind("id", articleId).bind("patient", patientId)
                .map(row -> new ArticleDtos.PatientArticle(row.get("id", UUID.class), row.get("title", String.class),
                        row.get("summary", String.class), row.get("body_html", String.class),
                        row.get("cover_url", String.class), ArticleStore.list(row.get("tags", String[].class)),
                        ArticleStore.list(row.get("condition_codes", String[].class)),
                        row.get("published_at", OffsetDateTime.class), Boolean.TRUE.equals(row.get("read", Boolean.class))))
                .one();
    }

    /** Records the first read of a published article (a repeat keeps the first time); empty if it is not published. */
    Mono<ArticleDtos.ReadReceipt> markRead(UUID articleId, UUID patientId) {
        return db.sql("with article as (select id from app.articles where id = :id and status = 'PUBLISHED'), "
                        + "inserted as (insert into app.article_reads (article_id, patient_id) select id, :patient "
                        + "from article on conflict (patient_id, article_id) do nothing returning read_at) "
                        + "select coalesce((select read_at from inserted), (select read_at from app.article_reads "
                        + "where patient_id = :patient and article_id = :id)) as read_at from article")
                .bind("id", articleId).bind("patient", patientId)
                .map(row -> new ArticleDtos.ReadReceipt(articleId, patientId, row.get("read_at", OffsetDateTime.class)))
                .one();
    }

    Mono<List<String>> interests(UUID patientId) {
        return db.sql("select tag from app.patient_interests where patient_id = :patient order by tag")
                .bind("patient", patientId).map(row -> row.get("tag", String.class)).all().collectList();
    }

    /** Replaces the patient's interests with these (call inside a transaction). */
    Mono<Void> replaceInterests(UUID patientId, List<String> tags) {
        return db.sql("delete from app.patient_interests where patient_id = :patient").bind("patient", patientId).then()
                .then(tags.isEmpty() ? Mono.empty() : db.sql("insert into app.patient_interests (patient_id, tag) "
                                + "select :patient, t from unnest(cast(:tags as text[])) as t on conflict do nothing")
                        .bind("patient", patientId).bind("tags", tags.toArray(String[]::new)).then());
    }

    /** Erasure: the patients' interests, reads and campaign memberships go; answers how many of each. */
    Mono<long[]> eraseAll(List<UUID> patientIds) {
        UUID[] ids = patientIds.toArray(UUID[]::new);
        return db.sql("delete from app.patient_interests where patient_id = any(cast(:ids as uuid[]))").bind("ids", ids)
                .fetch().rowsUpdated()
                .flatMap(interests -> db.sql("delete from app.article_reads where patient_id = any(cast(:ids as uuid[]))")
                        .bind("ids", ids).fetch().rowsUpdated()
                        .flatMap(reads -> db.sql("delete from app.campaign_recipients where patient_id = any(cast(:ids as uuid[]))")
                                .bind("ids", ids).fetch().rowsUpdated()
                                .map(campaigns -> new long[] {interests, reads, campaigns})));
    }
}
