package com.patientcrm.feed;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The SQL of campaigns: the segment, page by page, and the campaign's record and results. */
@Component
class CampaignStore {

    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};

    private final DatabaseClient db;
    private final JsonMapper json;

    CampaignStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * The next {@code limit} patients of the segment after {@code after} (by id). Only the filters the segment gives
     * are in the statement, so PostgreSQL plans each combination for what it is. {@code today} is the local date ages
     * are counted on.
     */
    Mono<List<UUID>> segmentPage(ArticleDtos.Segment s, LocalDate today, UUID after, int limit) {
        StringBuilder sql = new StringBuilder("select p.id from app.patients p where p.erased_at is null");
        if (after != null) {
            sql.append(" and p.id > :after");
        }
        if (s.sex() != null) {
            sql.append(" and p.gender = :sex");
        }
        if (s.ageMin() != null) {
            sql.append(" and p.birth_date <= :bornBy");
        }
        if (s.ageMax() != null) {
            sql.append(" and p.birth_date > :bornAfter");
        }
        boolean conditions = s.conditionPrefixes() != null && !s.conditionPrefixes().isEmpty();
        if (conditions) {
            sql.append(" and exists (select 1 from app.care_plans c where c.patient_id = p.id and c.status = 'ACTIVE' "
                    + "and c.condition_code like any (cast(:likes as text[])))");
        }
        String inDepartment = s.departmentId() == null ? ""
                : " join app.doctors d on d.id = a.doctor_id and d.department_id = :department";
        if (s.departmentId() != null) {
            // Seen, booked, or followed up (an active care plan) in the department.
            sql.append(" and (exists (select 1 from app.appointments a").append(inDepartment)
                    .append(" where a.patient_id = p.id and a.status in ('BOOKED', 'CHECKED_IN', 'COMPLETED'))")
                    .append(" or exists (select 1 from app.care_plans c where c.patient_id = p.id and c.status = 'ACTIVE'")
                    .append(" and c.department_id = :department))");
        }
        String lastVisit = "(select max(a.starts_at) from app.appointments a" + inDepartment
                + " where a.patient_id = p.id and a.status in ('CHECKED_IN', 'COMPLETED'))";
        if (s.lastVisitBefore() != null) {
            sql.append(" and ").append(lastVisit).append(" < :before");
        }
        if (s.lastVisitAfter() != null) {
            sql.append(" and ").append(lastVisit).append(" > :afterVisit");
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.append(" order by p.id limit :limit").toString())
                .bind("limit", limit);
        if (after != null) {
            spec = spec.bind("after", after);
        }
        if (s.sex() != null) {
            spec = spec.bind("sex", s.sex());
        }
        if (s.ageMin() != null) {
            spec = spec.bind("bornBy", today.minusYears(s.ageMin()));
        }
        if (s.ageMax() != null) {
            spec = spec.bind("bornAfter", today.minusYears(s.ageMax() + 1L));
        }
        if (conditions) {
            spec = spec.bind("likes", s.conditionPrefixes().stream().map(p -> p + "%").toArray(String[]::new));
        }
        if (s.departmentId() != null) {
            spec = spec.bind("department", s.departmentId());
        }
        if (s.lastVisitBefore() != null) {
            spec = spec.bind("before", s.lastVisitBefore());
        }
        if (s.lastVisitAfter() != null) {
            spec = spec.bind("afterVisit", s.lastVisitAfter());
        }
        return spec.map(row -> row.get("id", UUID.class)).all().collectList();
    }

    Mono<Void> addRecipients(UUID campaignId, List<UUID> patientIds) {
        if (patientIds.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("insert into app.campaign_recipients (campaign_id, patient_id) "
                        + "select :campaign, p from unnest(cast(:patients as uuid[])) as p on conflict do nothing")
                .bind("campaign", campaignId).bind("patients", patientIds.toArray(UUID[]::new)).then();
    }

    Mono<OffsetDateTime> insert(UUID id, ArticleDtos.NewCampaign c, long targeted, Map<String, Long> skipped, String by) {
        return db.sql("insert into app.campaigns (id, article_id, category, segment, targeted, skipped, created_by) "
                        + "values (:id, :article, :category, cast(:segment as jsonb), :targeted, cast(:skipped as jsonb), :by) "
                        + "returning created_at")
                .bind("id", id).bind("article", c.articleId()).bind("category", c.category())
                .bind("segment", json.writeValueAsString(c.segment())).bind("targeted", (int) targeted)
                .bind("skipped", json.writeValueAsString(skipped)).bind("by", by)
                .map(row -> row.get("created_at", OffsetDateTime.class)).one();
    }

    Mono<Void> finish(UUID id, long targeted, Map<String, Long> skipped) {
        return db.sql("update app.campaigns set targeted = :targeted, skipped = cast(:skipped as jsonb) where id = :id")
                .bind("id", id).bind("targeted", (int) targeted).bind("skipped", json.writeValueAsString(skipped)).then();
    }

    /** A campaign with the reads of its article by its recipients since it started; the outbox tally comes apart. */
    Mono<ArticleDtos.CampaignReport> report(UUID id) {
        return db.sql("select c.id, c.article_id, c.category, c.segment::text as segment, c.targeted, c.skipped::text "
                        + "as skipped, c.created_by, c.created_at, (select count(*) from app.campaign_recipients cr "
                        + "join app.article_reads r on r.patient_id = cr.patient_id and r.article_id = c.article_id "
                        + "where cr.campaign_id = c.id and r.read_at >= c.created_at) as reads "
                        + "from app.campaigns c where c.id = :id")
                .bind("id", id)
                .map(row -> {
                    Map<String, Long> skipped = json.readValue(row.get("skipped", String.class), COUNTS);
                    return new ArticleDtos.CampaignReport(row.get("id", UUID.class), row.get("article_id", UUID.class),
                            row.get("category", String.class),
                            json.readValue(row.get("segment", String.class), ArticleDtos.Segment.class),
                            row.get("created_by", String.class), row.get("created_at", OffsetDateTime.class),
                            row.get("targeted", Integer.class), skipped.values().stream().mapToLong(Long::longValue).sum(),
                            skipped, 0, 0, 0, row.get("reads", Long.class));
                })
                .one();
    }
}
