package com.patientcrm.surveys;

import com.patientcrm.platform.Problems;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Staff define surveys. An edit never changes a stored version: it stores the next one, which new invitations use;
 * invitations already made keep theirs (and the answers reference it).
 */
@Service
class SurveyDefinitions {

    private final SurveyStore store;
    private final TransactionalOperator tx;

    SurveyDefinitions(SurveyStore store, TransactionalOperator tx) {
        this.store = store;
        this.tx = tx;
    }

    Mono<SurveyDtos.Survey> create(SurveyDtos.Definition body, String staff) {
        if (body.code() == null) {
            return Mono.error(Problems.invalidField("code", "must not be null"));
        }
        UUID id = UUID.randomUUID();
        return checked(body).flatMap(questions -> store.create(id, body, questions, staff))
                .flatMap(created -> created ? store.current(id)
                        : Mono.error(Problems.conflict("A survey with this code exists already.")))
                .as(tx::transactional);
    }

    Mono<SurveyDtos.Survey> edit(UUID id, SurveyDtos.Definition body, String staff) {
        return store.current(id).switchIfEmpty(Mono.error(() -> Problems.notFound("survey")))
                .flatMap(existing -> body.code() != null && !body.code().equals(existing.code())
                        ? Mono.error(Problems.invalidField("code", "cannot change; create another survey instead"))
                        : checked(body))
                .flatMap(questions -> store.nextVersion(id, body, questions, staff))
                .then(Mono.defer(() -> store.current(id)))
                .as(tx::transactional);
    }

    private Mono<List<SurveyDtos.Question>> checked(SurveyDtos.Definition body) {
        UUID department = body.trigger().departmentId();
        return Mono.fromCallable(() -> SurveyRules.questions(body.questions()))
                .flatMap(questions -> department == null ? Mono.just(questions)
                        : store.departmentExists(department).flatMap(exists -> exists ? Mono.just(questions)
                                : Mono.error(SurveyProblems.unknownDepartment())));
    }
}
