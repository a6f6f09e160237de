package com.patientcrm.surveys;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.platform.Problems;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The patient's side: the invitations due and open, one invitation with its questions and saved answers, and
 * answering. A response is checked and saved under the invitation's row lock, so a submit happens once: after it,
 * and after the invitation expired, nothing changes. The submit and its {@code survey.submitted} message commit
 * together.
 */
@Service
class Invitations {

    private final InvitationStore store;
    private final SurveyStore surveys;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final Clock clock;

    Invitations(InvitationStore store, SurveyStore surveys, Outbox outbox, TransactionalOperator tx, Clock clock) {
        this.store = store;
        this.surveys = surveys;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    Mono<List<SurveyDtos.Pending>> pending(List<UUID> patientIds) {
        return store.pending(patientIds).collectList().flatMap(rows -> store.answerCounts(rows.stream()
                        .map(InvitationStore.Row::id).toList()).collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(counts -> rows.stream().map(row -> new SurveyDtos.Pending(row.id(), row.surveyId(), row.title(),
                        row.patientId(), row.appointmentId(), row.departmentName(), row.doctorName(), row.dueAt(),
                        row.expiresAt(), surveys.questions(row.questions()).size(),
                        counts.getOrDefault(row.id(), 0L).intValue())).toList()));
    }

    Mono<SurveyDtos.Invitation> view(UUID id, List<UUID> patientIds) {
        return store.visible(id, patientIds, false).switchIfEmpty(Mono.error(() -> Problems.notFound("survey invitation")))
                .flatMap(this::view);
    }

    Mono<SurveyDtos.Invitation> respond(UUID id, List<UUID> patientIds, SurveyDtos.Response body) {
        return store.visible(id, patientIds, true)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("survey invitation")))
                .flatMap(row -> {
                    if (row.submittedAt() != null) {
                        return Mono.error(SurveyProblems.submitted());
                    }
                    if (row.expired()) {
                        return Mono.error(SurveyProblems.expired());
                    }
                    List<SurveyDtos.Question> questions = surveys.questions(row.questions());
                    SurveyRules.answers(questions, body.answers());
                    Map<String, String> types = questions.stream()
                            .collect(Collectors.toMap(SurveyDtos.Question::id, SurveyDtos.Question::type));
                    return Flux.fromIterable(body.answers())
                            .concatMap(answer -> store.saveAnswer(id, types.get(answer.questionId()), answer))
                            .then(store.touch(id))
                            .then(body.submit() ? submit(row, questions) : Mono.empty())
                            .then(Mono.defer(() -> store.find(id)));
                })
                .flatMap(this::view)
                .as(tx::transactional);
    }

    private Mono<Void> submit(InvitationStore.Row row, List<SurveyDtos.Question> questions) {
        return store.answers(row.id()).map(InvitationStore.Answer::questionId).collect(Collectors.toSet())
                .flatMap(answered -> {
                    List<String> missing = questions.stream().filter(SurveyDtos.Question::isRequired)
                            .map(SurveyDtos.Question::id).filter(q -> !answered.contains(q)).toList();
                    if (!missing.isEmpty()) {
                        return Mono.error(SurveyProblems.incomplete(missing));
                    }
                    return store.submit(row.id()).flatMap(done -> done ? Mono.<Void>empty() : Mono.error(SurveyProblems.expired()));
                })
                .then(Mono.defer(() -> outbox.enqueue(new OutboxMessage(SurveyResponses.SUBMITTED_TOPIC,
                        SurveyResponses.SUBMITTED_TOPIC + ":" + row.id(), row.patientId(), row.id(),
                        Map.of("invitationId", row.id().toString()), clock.instant()))));
    }

    private Mono<SurveyDtos.Invitation> view(InvitationStore.Row row) {
        List<SurveyDtos.Question> questions = surveys.questions(row.questions());
        Map<String, Integer> order = questions.stream()
                .collect(Collectors.toMap(SurveyDtos.Question::id, questions::indexOf));
        return store.answers(row.id()).collectList().map(answers -> new SurveyDtos.Invitation(row.id(), row.surveyId(),
                row.surveyVersion(), row.title(), row.patientId(), row.appointmentId(), row.departmentName(),
                row.doctorName(), status(row), row.dueAt(), row.expiresAt(), row.submittedAt(), questions,
                answers.stream().sorted(Comparator.comparing(a -> order.getOrDefault(a.questionId(), Integer.MAX_VALUE)))
                        .map(a -> new SurveyDtos.AnswerView(a.questionId(), a.score(), a.choices(), a.text())).toList()));
    }

    static String status(InvitationStore.Row row) {
        return row.submittedAt() != null ? "SUBMITTED" : row.expired() ? "EXPIRED" : "OPEN";
    }
}
