package com.patientcrm.surveys;

import com.patientcrm.booking.VisitCompleted;
import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.notifications.Outcome;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A completed visit invites the patient to every active survey it triggers, each at most once per visit (a unique
 * constraint, so a redelivered message changes nothing) and not within a survey's recontact days of any other
 * survey invitation to the same patient (checked under a per-patient lock, so two visits completed at once cannot
 * both pass). Each invitation and its {@code survey.invitation} message, due when the invitation is, commit together.
 */
@Component
class SurveyTrigger implements OutboxHandler {

    static final String INVITATION = "survey.invitation";

    private final SurveyStore surveys;
    private final InvitationStore invitations;
    private final Outbox outbox;
    private final TransactionalOperator tx;

    SurveyTrigger(SurveyStore surveys, InvitationStore invitations, Outbox outbox, TransactionalOperator tx) {
        this.surveys = surveys;
        this.invitations = invitations;
        this.outbox = outbox;
        this.tx = tx;
    }

    @Override
    public Set<String> topics() {
        return Set.of(VisitCompleted.TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        VisitCompleted visit;
        try {
            visit = VisitCompleted.of(entry.payload());
        } catch (RuntimeException malformed) {
            return Mono.just(Outcome.dead("malformed appointment.completed payload"));
        }
        return invite(visit);
    }

    private Mono<Outcome> invite(VisitCompleted visit) {
        return invitations.lockPatient(visit.patientId())
                .then(invitations.patientActive(visit.patientId()))
                .flatMapMany(active -> active ? surveys.triggeredBy(VisitCompleted.TOPIC, visit.departmentId())
                        : reactor.core.publisher.Flux.empty())
                .concatMap(survey -> invitations.invite(survey, visit))
                .concatMap(invitation -> outbox.enqueue(new OutboxMessage(INVITATION, INVITATION + ":" + invitation.id(),
                        invitation.patientId(), invitation.id(), Map.of("invitationId", invitation.id().toString()),
                        invitation.dueAt().toInstant())).thenReturn(invitation))
                .count()
                .map(n -> n > 0 ? Outcome.done() : Outcome.skipped("no survey invites for this visit"))
                .as(tx::transactional);
    }
}
