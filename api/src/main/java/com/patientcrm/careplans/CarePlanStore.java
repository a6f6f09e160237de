package com.patientcrm.careplans;

import io.r2dbc.spi.Readable;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The SQL of care plans and templates. */
@Component
class CarePlanStore {

    private final DatabaseClient db;

    CarePlanStore(DatabaseClient db) {
        this.db = db;
    }

    /** A stored plan as the scheduler and the views need it. */
    record Row(UUID id, String externalId, UUID patientId, String conditionCode, UUID departmentId, String title,
               String status, Schedule schedule, String timeZone, String source, String templateCode, int generation,
               OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        ZoneId zone() {
            return ZoneId.of(timeZone);
        }
    }

    /** The columns to write; {@code externalId} null for a plan staff applied. */
    record Values(String externalId, UUID patientId, String conditionCode, UUID departmentId, String title, String status,
                  Schedule schedule, String timeZone, String source, String templateCode, String createdBy, long version) {}

    /** Inserts, or updates a hospital plan whose stored version is older; empty when the push was stale. */
    Mono<UUID> upsert(Values v) {
        return bindAll(db.sql("insert into app.care_plans (id, external_id, patient_id, condition_code, department_id, "
                        + "title, status, starts_on, ends_on, interval_days, due_dates, time_zone, source, template_code, "
                        + "created_by, source_version) values (:id, :ext, :patient, :condition, :department, :title, "
                        + ":status, :starts, :ends, :interval, :dates, :zone, :source, :template, :by, :version) "
                        + "on conflict (external_id) do update set patient_id = excluded.patient_id, "
                        + "condition_code = excluded.condition_code, department_id = excluded.department_id, "
                        + "title = excluded.title, status = excluded.status, starts_on = excluded.starts_on, "
                        + "ends_on = excluded.ends_on, interval_days = excluded.interval_days, due_dates = excluded.due_dates, "
                        + "time_zone = excluded.time_zone, source_version = excluded.source_version, "
                        + "generation = app.care_plans.generation + 1, updated_at = now() "
                        + "where app.care_plans.source_version < excluded.source_version returning id"), v)
                .map(row -> row.get("id", UUID.class)).one();
    }

    private static DatabaseClient.GenericExecuteSpec bindAll(DatabaseClient.GenericExecuteSpec spec, Values v) {
        Schedule s = v.schedule();
        return spec.bind("id", UUID.randomUUID())
                .bind("ext", Parameter.fromOrEmpty(v.externalId(), String.class))
                .bind("patient", v.patientId()).bind("condition", v.conditionCode())
                .bind("department", Parameter.fromOrEmpty(v.departmentId(), UUID.class))
                .bind("title", Parameter.fromOrEmpty(v.title(), String.class)).bind("status", v.status())
                .bind("starts", s.startsOn()).bind("ends", Parameter.fromOrEmpty(s.endsOn(), LocalDate.class))
                .bind("interval", Parameter.fromOrEmpty(s.intervalDays(), Integer.class))
                .bind("dates", Parameter.fromOrEmpty(s.dueDates() == null ? null : s.dueDates().toArray(LocalDate[]::new),
                        LocalDate[].class))
                .bind("zone", v.timeZone()).bind("source", v.source())
                .bind("template", Parameter.fromOrEmpty(v.templateCode(), String.class))
                .bind("by", Parameter.fromOrEmpty(v.createdBy(), String.class)).bind("version", v.version());
    }

    Mono<Row> find(UUID id) {
        return db.sql(SELECT + "where id = :id").bind("id", id).map(CarePlanStore::row).one();
    }

    Flux<Row> ofPatients(List<UUID> patientIds) {
        return db.sql(SELECT + "where patient_id = any(cast(:ids as uuid[])) order by created_at desc, id limit 200")
                .bind("ids", patientIds.toArray(UUID[]::new)).map(CarePlanStore::row).all();
    }

    /**
     * Ends an active plan today (in its zone; on its start if that is later) and bumps its generation, which voids its
     * scheduled occurrences; answers whether it did. The hospital's version is left alone, so its next push applies.
     */
    Mono<Boolean> end(UUID id) {
        return db.sql("update app.care_plans set status = 'ENDED', generation = generation + 1, "
                        + "ends_on = greatest(starts_on, least(coalesce(ends_on, (now() at time zone time_zone)::date), "
                        + "(now() at time zone time_zone)::date)), updated_at = now() where id = :id and status = 'ACTIVE'")
                .bind("id", id).fetch().rowsUpdated().map(n -> n > 0);
    }

    /** Erasure: the patients' active plans stop; answers how many. */
    Mono<Long> cancelAllOf(List<UUID> patientIds) {
        return db.sql("update app.care_plans set status = 'CANCELLED', generation = generation + 1, "
                        + "updated_at = now() where patient_id = any(cast(:ids as uuid[])) and status = 'ACTIVE'")
                .bind("ids", patientIds.toArray(UUID[]::new)).fetch().rowsUpdated();
    }

    Mono<Boolean> patientExists(UUID patientId) {
        return db.sql("select exists (select 1 from app.patients where id = :id and erased_at is null) as e")
                .bind("id", patientId).map(row -> row.get("e", Boolean.class)).one();
    }

    /** The department's id and zone, by our id or the hospital's. */
    Mono<Object[]> department(UUID id, String externalId) {
        String where = id != null ? "id = :key" : "external_id = :key";
        return db.sql("select id, time_zone from app.departments where " + where)
                .bind("key", id != null ? id : externalId)
                .map(row -> new Object[] {row.get("id", UUID.class), row.get("time_zone", String.class)}).one();
    }

    Flux<CarePlanDtos.Template> templates() {
        return db.sql(TEMPLATE + "order by code").map(CarePlanStore::templateOf).all();
    }

    Mono<CarePlanDtos.Template> template(String code) {
        return db.sql(TEMPLATE + "where code = :code").bind("code", code).map(CarePlanStore::templateOf).one();
    }

    /** Answers false when the code is taken. */
    Mono<Boolean> insertTemplate(CarePlanDtos.NewTemplate t, String createdBy) {
        return db.sql("insert into app.care_plan_templates (code, name, condition_code, interval_days, offsets_days, "
                        + "duration_days, created_by) values (:code, :name, :condition, :interval, :offsets, :duration, :by) "
                        + "on conflict (code) do nothing")
                .bind("code", t.code()).bind("name", t.name()).bind("condition", t.conditionCode())
                .bind("interval", Parameter.fromOrEmpty(t.intervalDays(), Integer.class))
                .bind("offsets", Parameter.fromOrEmpty(t.offsetsDays() == null ? null
                        : t.offsetsDays().toArray(Integer[]::new), Integer[].class))
                .bind("duration", Parameter.fromOrEmpty(t.durationDays(), Integer.class))
                .bind("by", Parameter.fromOrEmpty(createdBy, String.class))
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    private static final String SELECT = "select id, external_id, patient_id, condition_code, department_id, title, status, "
            + "starts_on, ends_on, interval_days, due_dates, time_zone, source, template_code, generation, created_at, "
            + "updated_at from app.care_plans ";

    private static final String TEMPLATE = "select code, name, condition_code, interval_days, offsets_days, duration_days "
            + "from app.care_plan_templates ";

    private static Row row(Readable r) {
        LocalDate[] dates = r.get("due_dates", LocalDate[].class);
        return new Row(r.get("id", UUID.class), r.get("external_id", String.class), r.get("patient_id", UUID.class),
                r.get("condition_code", String.class), r.get("department_id", UUID.class), r.get("title", String.class),
                r.get("status", String.class),
                new Schedule(r.get("starts_on", LocalDate.class), r.get("ends_on", LocalDate.class),
                        r.get("interval_days", Integer.class), dates == null ? null : Arrays.asList(dates)),
                r.get("time_zone", String.class), r.get("source", String.class), r.get("template_code", String.class),
                r.get("generation", Integer.class), r.get("created_at", OffsetDateTime.class),
                r.get("updated_at", OffsetDateTime.class));
    }

    private static CarePlanDtos.Template templateOf(Readable r) {
        Integer[] offsets = r.get("offsets_days", Integer[].class);
        return new CarePlanDtos.Template(r.get("code", String.class), r.get("name", String.class),
                r.get("condition_code", String.class), r.get("interval_days", Integer.class),
                offsets == null ? null : Arrays.asList(offsets), r.get("duration_days", Integer.class));
    }
}
