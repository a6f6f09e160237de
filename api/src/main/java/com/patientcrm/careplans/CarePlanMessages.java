package com.patientcrm.careplans;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A plan's messages in the outbox. {@code careplan.occurrence} is internal: when it comes due (the reminder lead
 * before a follow-up's date) it writes the patient's {@code careplan.follow-up} and schedules the next occurrence.
 * {@code careplan.recall-check} looks, {@code recall-after} from now, at whether the patient has been seen, and
 * writes a {@code careplan.recall} if not. Every key carries the plan's generation: a change or an end bumps it,
 * and the messages scheduled before simply find themselves void.
 */
@Component
class CarePlanMessages {

    static final String OCCURRENCE = "careplan.occurrence";
    static final String RECALL_CHECK = "careplan.recall-check";
    static final String FOLLOW_UP = "careplan.follow-up";
    static final String RECALL = "careplan.recall";

    private final Outbox outbox;
    private final CarePlanProperties properties;
    private final Clock clock;

    CarePlanMessages(Outbox outbox, CarePlanProperties properties, Clock clock) {
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    /** After a plan was written: what was scheduled for it goes, and an active plan starts over. */
    Mono<Void> reschedule(CarePlanStore.Row plan) {
        Mono<Void> withdraw = Flux.fromIterable(List.of(OCCURRENCE, RECALL_CHECK, FOLLOW_UP))
                .concatMap(topic -> outbox.cancelPending(plan.id(), topic)).then();
        if (!"ACTIVE".equals(plan.status())) {
            return withdraw;
        }
        LocalDate today = LocalDate.now(clock.withZone(plan.zone()));
        Mono<Void> first = plan.schedule().firstOnOrAfter(today).map(due -> occurrence(plan, due)).orElse(Mono.empty());
        // The first look is a recall period after the plan began (at once, for a plan that began long ago).
        Instant firstCheck = plan.schedule().startsOn().atStartOfDay(plan.zone()).toInstant().plus(properties.recallAfter());
        Instant now = clock.instant();
        return withdraw.then(first).then(recallCheck(plan, firstCheck.isAfter(now) ? firstCheck : now));
    }

    /** The occurrence of {@code dueOn}: due the reminder lead before it, at the reminder time in the plan's zone. */
    Mono<Void> occurrence(CarePlanStore.Row plan, LocalDate dueOn) {
        Instant at = dueOn.minusDays(properties.reminderLead().toDays()).atTime(properties.reminderTime())
                .atZone(plan.zone()).toInstant();
        Instant now = clock.instant();
        return outbox.enqueue(new OutboxMessage(OCCURRENCE, OCCURRENCE + ":" + plan.id() + ":" + plan.generation() + ":" + dueOn,
                plan.patientId(), plan.id(), payload(plan, dueOn), at.isAfter(now) ? at : now));
    }

    Mono<Void> followUp(CarePlanStore.Row plan, LocalDate dueOn) {
        return outbox.enqueue(new OutboxMessage(FOLLOW_UP, FOLLOW_UP + ":" + plan.id() + ":" + plan.generation() + ":" + dueOn, plan.patientId(),
                plan.id(), payload(plan, dueOn), clock.instant()));
    }

    Mono<Void> recallCheck(CarePlanStore.Row plan, Instant at) {
        return outbox.enqueue(new OutboxMessage(RECALL_CHECK, RECALL_CHECK + ":" + plan.id() + ":" + plan.generation() + ":"
                + at.getEpochSecond() / 86_400, plan.patientId(), plan.id(), payload(plan, null), at));
    }

    /** At most one recall a day per plan, however often the check runs. */
    Mono<Void> recall(CarePlanStore.Row plan) {
        LocalDate today = LocalDate.now(clock.withZone(plan.zone()));
        return outbox.enqueue(new OutboxMessage(RECALL, RECALL + ":" + plan.id() + ":" + today, plan.patientId(), plan.id(),
                payload(plan, null), clock.instant()));
    }

    private static Map<String, Object> payload(CarePlanStore.Row plan, LocalDate dueOn) {
        return dueOn == null ? Map.of("planId", plan.id().toString(), "generation", plan.generation())
                : Map.of("planId", plan.id().toString(), "generation", plan.generation(), "dueOn", dueOn.toString());
    }

    static UUID planId(com.patientcrm.notifications.OutboxEntry entry) {
        return UUID.fromString(entry.text("planId"));
    }
}
