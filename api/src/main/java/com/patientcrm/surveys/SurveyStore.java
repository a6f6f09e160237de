package com.patientcrm.surveys;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The SQL of survey definitions and their versions. */
@Component
class SurveyStore {

    private static final TypeReference<List<SurveyDtos.Question>> QUESTIONS = new TypeReference<>() {};

    private static final String SELECT = "select s.id, s.code, v.version, s.active, v.title, v.questions::text as questions, "
            + "v.trigger_event, v.trigger_department_id, v.delay_minutes, v.recontact_days, v.valid_days, "
            + "s.created_at, v.created_at as updated_at from app.surveys s join app.survey_versions v on v.survey_id = s.id ";

    private final DatabaseClient db;
    private final JsonMapper json;

    SurveyStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Inserts a survey at version 1; false when the code is taken. */
    Mono<Boolean> create(UUID id, SurveyDtos.Definition body, List<SurveyDtos.Question> questions, String staff) {
        return db.sql("insert into app.surveys (id, code, version, active, created_by) values (:id, :code, 1, :active, :by) "
                        + "on conflict (code) do nothing")
                .bind("id", id).bind("code", body.code()).bind("active", body.active() == null || body.active())
                .bind("by", staff).fetch().rowsUpdated()
                .flatMap(n -> n == 0 ? Mono.just(false) : insertVersion(id, 1, body, questions, staff).thenReturn(true));
    }

    /** Moves the survey to its next version (row-locked, so concurrent edits number one after the other). */
    Mono<Integer> nextVersion(UUID id, SurveyDtos.Definition body, List<SurveyDtos.Question> questions, String staff) {
        return db.sql("update app.surveys set version = version + 1, active = coalesce(:active, active), updated_at = now() "
                        + "where id = :id returning version")
                .bind("id", id).bind("active", Parameter.fromOrEmpty(body.active(), Boolean.class))
                .map(row -> row.get("version", Integer.class)).one()
                .flatMap(version -> insertVersion(id, version, body, questions, staff).thenReturn(version));
    }

    private Mono<Void> insertVersion(UUID id, int version, SurveyDtos.Definition body, List<SurveyDtos.Question> questions,
                                     String staff) {
        SurveyDtos.Trigger trigger = body.trigger();
        int delayHours = trigger.delayHours() == null ? 24 : trigger.delayHours();
        return db.sql("insert into app.survey_versions (survey_id, version, title, questions, trigger_event, "
                        + "trigger_department_id, delay_minutes, recontact_days, valid_days, created_by) values (:id, :version, "
                        + ":title, cast(:questions as jsonb), :event, :department, :delay, :recontact, :valid, :by)")
                .bind("id", id).bind("version", version).bind("title", body.title())
                .bind("questions", json.writeValueAsString(questions)).bind("event", trigger.event())
                .bind("department", Parameter.fromOrEmpty(trigger.departmentId(), UUID.class))
                .bind("delay", delayHours * 60).bind("recontact", body.recontactDays()).bind("valid", body.validDays())
                .bind("by", staff).then();
    }

    Mono<SurveyDtos.Survey> current(UUID id) {
        return db.sql(SELECT + "and v.version = s.version where s.id = :id").bind("id", id).map(this::survey).one();
    }

    Mono<SurveyDtos.Survey> version(UUID id, int version) {
        return db.sql(SELECT + "where s.id = :id and v.version = :version").bind("id", id).bind("version", version)
                .map(this::survey).one();
    }

    Flux<SurveyDtos.Survey> all() {
        return db.sql(SELECT + "and v.version = s.version order by s.code").map(this::survey).all();
    }

    /** The active surveys whose current version a completed visit in this department triggers, oldest first. */
    Flux<SurveyDtos.Survey> triggeredBy(String event, UUID departmentId) {
        return db.sql(SELECT + "and v.version = s.version where s.active and v.trigger_event = :event "
                        + "and (v.trigger_department_id is null or v.trigger_department_id = :department) "
                        + "order by s.created_at, s.id")
                .bind("event", event).bind("department", departmentId).map(this::survey).all();
    }

    Mono<Boolean> departmentExists(UUID id) {
        return db.sql("select exists (select 1 from app.departments where id = :id) as e").bind("id", id)
                .map(row -> row.get("e", Boolean.class)).one();
    }

    List<SurveyDtos.Question> questions(String stored) {
        return json.readValue(stored, QUESTIONS);
    }

    private SurveyDtos.Survey survey(Readable row) {
        int delay = row.get("delay_minutes", Integer.class);
        return new SurveyDtos.Survey(row.get("id", UUID.class), row.get("code", String.class),
                row.get("version", Integer.class), row.get("active", Boolean.class), row.get("title", String.class),
                questions(row.get("questions", String.class)),
                new SurveyDtos.Trigger(row.get("trigger_event", String.class), row.get("trigger_department_id", UUID.class),
                        delay / 60),
                row.get("recontact_days", Integer.class), row.get("valid_days", Integer.class),
                row.get("created_at", OffsetDateTime.class), row.get("updated_at", OffsetDateTime.class));
    }
}
