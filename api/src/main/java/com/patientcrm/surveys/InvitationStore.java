package com.patientcrm.surveys;

import com.patientcrm.booking.VisitCompleted;
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

/** The SQL of invitations and their answers. Times are the database's: one clock for every instance. */
@Component
class InvitationStore {

    /** An invitation with its version's title and questions (as stored) and where the visit was. */
    record Row(UUID id, UUID surveyId, int surveyVersion, String title, String questions, UUID patientId,
               UUID appointmentId, UUID departmentId, UUID doctorId, String departmentName, String doctorName,
               OffsetDateTime completedAt, OffsetDateTime dueAt, OffsetDateTime expiresAt, OffsetDateTime submittedAt,
               boolean expired) {}

    /** A stored answer with its question's type. */
    record Answer(String questionId, String type, Integer score, List<String> choices, String text) {}

    private static final String SELECT = "select i.id, i.survey_id, i.survey_version, v.title, v.questions::text as questions, "
            + "i.patient_id, i.appointment_id, i.department_id, i.doctor_id, dep.name as department_name, "
            + "doc.name as doctor_name, i.completed_at, i.due_at, i.expires_at, i.submitted_at, "
            + "(i.expires_at <= now()) as expired from app.survey_invitations i "
            + "join app.survey_versions v on v.survey_id = i.survey_id and v.version = i.survey_version "
            + "left join app.departments dep on dep.id = i.department_id left join app.doctors doc on doc.id = i.doctor_id ";

    private final DatabaseClient db;

    InvitationStore(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Serialises the invitations of one patient for the rest of the transaction, so that the recontact check and the
     * insert after it cannot interleave with another completed visit's.
     */
    Mono<Void> lockPatient(UUID patientId) {
        return db.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "survey-invitations:" + patientId).then();
    }

    Mono<Boolean> patientActive(UUID patientId) {
        return db.sql("select exists (select 1 from app.patients where id = :id and erased_at is null) as e")
                .bind("id", patientId).map(row -> row.get("e", Boolean.class)).one();
    }

    /**
     * Invites the patient unless this survey already did for this visit, or any survey's invitation to the patient
     * falls within the survey's recontact days of this one; answers the new invitation's id and due time.
     */
    Mono<Row> invite(SurveyDtos.Survey survey, VisitCompleted visit) {
        Instant due = visit.completedAt().plusSeconds(survey.trigger().delayHours() * 3600L);
        UUID id = UUID.randomUUID();
        return db.sql("insert into app.survey_invitations (id, survey_id, survey_version, patient_id, appointment_id, "
                        + "department_id, doctor_id, completed_at, due_at, expires_at) "
                        + "select :id, :survey, :version, :patient, :appointment, :department, :doctor, :completed, :due, "
                        + "cast(:due as timestamptz) + make_interval(days => :valid) "
                        + "where not exists (select 1 from app.survey_invitations o where o.patient_id = :patient "
                        + "and o.due_at > cast(:due as timestamptz) - make_interval(days => :recontact) "
                        + "and o.due_at < cast(:due as timestamptz) + make_interval(days => :recontact)) "
                        + "on conflict (survey_id, appointment_id) do nothing")
                .bind("id", id).bind("survey", survey.id()).bind("version", survey.version())
                .bind("patient", visit.patientId()).bind("appointment", visit.appointmentId())
                .bind("department", visit.departmentId()).bind("doctor", visit.doctorId())
                .bind("completed", visit.completedAt().atOffset(java.time.ZoneOffset.UTC))
                .bind("due", due.atOffset(java.time.ZoneOffset.UTC))
                .bind("valid", survey.validDays()).bind("recontact", survey.recontactDays())
                .fetch().rowsUpdated()
                .flatMap(n -> n == 0 ? Mono.empty() : find(id));
    }

    Mono<Row> find(UUID id) {
        return db.sql(SELECT + "where i.id = :id").bind("id", id).map(InvitationStore::row).one();
    }

    /** The invitation if it belongs to one of these patients and is due (not before: it does not exist for them yet). */
    Mono<Row> visible(UUID id, List<UUID> patientIds, boolean lock) {
        return db.sql(SELECT + "where i.id = :id and i.patient_id = any(cast(:patients as uuid[])) and i.due_at <= now()"
                        + (lock ? " for update of i" : ""))
                .bind("id", id).bind("patients", patientIds.toArray(UUID[]::new)).map(InvitationStore::row).one();
    }

    /** Due, not yet submitted and not expired: what the patients are asked to answer, soonest to expire first. */
    Flux<Row> pending(List<UUID> patientIds) {
        return db.sql(SELECT + "where i.patient_id = any(cast(:patients as uuid[])) and i.due_at <= now() "
                        + "and i.expires_at > now() and i.submitted_at is null order by i.expires_at, i.id limit 100")
                .bind("patients", patientIds.toArray(UUID[]::new)).map(InvitationStore::row).all();
    }

    /** The patient's submitted invitations, newest first. */
    Flux<Row> submittedBy(UUID patientId) {
        return db.sql(SELECT + "where i.patient_id = :patient and i.submitted_at is not null "
                        + "order by i.submitted_at desc, i.id limit 200")
                .bind("patient", patientId).map(InvitationStore::row).all();
    }

    Flux<Answer> answers(UUID invitationId) {
        return db.sql("select question_id, type, score, choices, text from app.survey_answers where invitation_id = :id")
                .bind("id", invitationId)
                .map(row -> {
                    String[] choices = row.get("choices", String[].class);
                    return new Answer(row.get("question_id", String.class), row.get("type", String.class),
                            row.get("score", Integer.class), choices == null ? null : Arrays.asList(choices),
                            row.get("text", String.class));
                })
                .all();
    }

    /** How many answers each of these invitations holds. */
    Flux<java.util.Map.Entry<UUID, Long>> answerCounts(List<UUID> invitationIds) {
        return db.sql("select invitation_id, count(*) as n from app.survey_answers "
                        + "where invitation_id = any(cast(:ids as uuid[])) group by invitation_id")
                .bind("ids", invitationIds.toArray(UUID[]::new))
                .map(row -> java.util.Map.entry(row.get("invitation_id", UUID.class), row.get("n", Long.class))).all();
    }

    Mono<Void> saveAnswer(UUID invitationId, String type, SurveyDtos.AnswerInput answer) {
        if (answer.empty()) {
            return db.sql("delete from app.survey_answers where invitation_id = :id and question_id = :q")
                    .bind("id", invitationId).bind("q", answer.questionId()).then();
        }
        return db.sql("insert into app.survey_answers (invitation_id, question_id, type, score, choices, text) "
                        + "values (:id, :q, :type, :score, :choices, :text) on conflict (invitation_id, question_id) do update "
                        + "set type = excluded.type, score = excluded.score, choices = excluded.choices, "
                        + "text = excluded.text, updated_at = now()")
                .bind("id", invitationId).bind("q", answer.questionId()).bind("type", type)
                .bind("score", Parameter.fromOrEmpty(answer.score(), Integer.class))
                .bind("choices", Parameter.fromOrEmpty(answer.choices() == null || answer.choices().isEmpty() ? null
                        : answer.choices().toArray(String[]::new), String[].class))
                .bind("text", Parameter.fromOrEmpty(answer.text() == null || answer.text().isBlank() ? null
                        : answer.text(), String.class))
                .then();
    }

    Mono<Void> touch(UUID invitationId) {
        return db.sql("update app.survey_invitations set updated_at = now() where id = :id").bind("id", invitationId).then();
    }

    /** Marks the invitation submitted, once; answers whether this call did. */
    Mono<Boolean> submit(UUID invitationId) {
        return db.sql("update app.survey_invitations set submitted_at = now(), updated_at = now() "
                        + "where id = :id and submitted_at is null and expires_at > now()")
                .bind("id", invitationId).fetch().rowsUpdated().map(n -> n == 1);
    }

    private static Row row(Readable row) {
        return new Row(row.get("id", UUID.class), row.get("survey_id", UUID.class), row.get("survey_version", Integer.class),
                row.get("title", String.class), row.get("questions", String.class), row.get("patient_id", UUID.class),
                row.get("appointment_id", UUID.class), row.get("department_id", UUID.class), row.get("doctor_id", UUID.class),
                row.get("department_name", String.class), row.get("doctor_name", String.class),
                row.get("completed_at", OffsetDateTime.class), row.get("due_at", OffsetDateTime.class),
                row.get("expires_at", OffsetDateTime.class), row.get("submitted_at", OffsetDateTime.class),
                Boolean.TRUE.equals(row.get("expired", Boolean.class)));
    }
}
