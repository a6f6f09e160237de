package com.patientcrm.surveys;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Submitted answers for other modules (the feedback CRM, the staff 360 view). A submit writes an outbox message of
 * {@link #SUBMITTED_TOPIC} (payload {@code {"invitationId": "<uuid>"}}, subject the invitation, patient the patient,
 * one per invitation) in its own transaction. Nothing here audits: the caller that shows answers to someone does.
 * After the patient's erasure the answers are detached (no patient, no appointment, free text blanked).
 */
@Component
public class SurveyResponses {

    public static final String SUBMITTED_TOPIC = "survey.submitted";

    private final InvitationStore store;
    private final SurveyStore surveys;

    SurveyResponses(InvitationStore store, SurveyStore surveys) {
        this.store = store;
        this.surveys = surveys;
    }

    /** The submitted survey; empty if the invitation does not exist or is not submitted. */
    public Mono<SubmittedSurvey> submitted(UUID invitationId) {
        return store.find(invitationId).filter(row -> row.submittedAt() != null).flatMap(this::submitted);
    }

    /** The patient's submitted surveys, newest first (at most 200). */
    public Flux<SubmittedSurvey> submittedBy(UUID patientId) {
        return store.submittedBy(patientId).concatMap(this::submitted);
    }

    private Mono<SubmittedSurvey> submitted(InvitationStore.Row row) {
        List<SurveyDtos.Question> questions = surveys.questions(row.questions());
        return store.answers(row.id()).collectMap(InvitationStore.Answer::questionId, Function.identity())
                .map(answers -> new SubmittedSurvey(row.id(), row.surveyId(), row.surveyVersion(), row.title(),
                        row.patientId(), row.appointmentId(), row.departmentId(), row.doctorId(),
                        row.submittedAt().toInstant(), questions.stream().filter(q -> answers.containsKey(q.id()))
                        .map(q -> answer(q, answers.get(q.id()))).toList()));
    }

    private static SubmittedSurvey.Answer answer(SurveyDtos.Question q, InvitationStore.Answer a) {
        return new SubmittedSurvey.Answer(q.id(), q.type(), q.text(), a.score(), a.choices(), a.text());
    }
}
