package com.patientcrm.careplans;

import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Works a plan's internal messages. An occurrence writes the patient's follow-up reminder and schedules the next
 * one; a recall check writes a recall when the patient has not completed a visit (in the plan's department) for
 * {@code recall-after}, and looks again later either way. A plan that changed or ended since voids them.
 */
@Component
class CarePlanScheduler implements OutboxHandler {

    private final CarePlanStore store;
    private final CarePlanMessages messages;
    private final CarePlanProperties properties;
    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    CarePlanScheduler(CarePlanStore store, CarePlanMessages messages, CarePlanProperties properties, DatabaseClient db,
                      TransactionalOperator tx, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.properties = properties;
        this.db = db;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Set<String> topics() {
        return Set.of(CarePlanMessages.OCCURRENCE, CarePlanMessages.RECALL_CHECK);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        return store.find(CarePlanMessages.planId(entry))
                .filter(plan -> "ACTIVE".equals(plan.status())
                        && String.valueOf(plan.generation()).equals(entry.text("generation"))
                        && !pastItsEnd(plan))
                .flatMap(plan -> CarePlanMessages.OCCURRENCE.equals(entry.topic())
                        ? occurrence(plan, LocalDate.parse(entry.text("dueOn"))) : recallCheck(plan))
                .thenReturn(Outcome.done())
                .defaultIfEmpty(Outcome.skipped("the plan changed or ended"))
                .as(tx::transactional);
    }

    /** A plan whose end date has passed sends nothing more, though nobody ended it explicitly. */
    private boolean pastItsEnd(CarePlanStore.Row plan) {
        return plan.schedule().endsOn() != null
                && plan.schedule().endsOn().isBefore(LocalDate.now(clock.withZone(plan.zone())));
    }

    private Mono<Void> occurrence(CarePlanStore.Row plan, LocalDate dueOn) {
        return messages.followUp(plan, dueOn)
                .then(plan.schedule().after(dueOn).map(next -> messages.occurrence(plan, next)).orElse(Mono.empty()));
    }

    private Mono<Void> recallCheck(CarePlanStore.Row plan) {
        return lastVisit(plan).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(last -> {
                    OffsetDateTime threshold = OffsetDateTime.now(clock).minus(properties.recallAfter());
                    if (last.isPresent() && last.get().isAfter(threshold)) {
                        return messages.recallCheck(plan, last.get().toInstant().plus(properties.recallAfter()));
                    }
                    return messages.recall(plan)
                            .then(messages.recallCheck(plan, clock.instant().plus(properties.recallAfter())));
                });
    }

    private Mono<OffsetDateTime> lastVisit(CarePlanStore.Row plan) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("select max(a.starts_at) as last from app.appointments a "
                        + "join app.doctors d on d.id = a.doctor_id where a.patient_id = :patient and a.status = 'COMPLETED' "
                        + (plan.departmentId() == null ? "" : "and d.department_id = :department"))
                .bind("patient", plan.patientId());
        if (plan.departmentId() != null) {
            spec = spec.bind("department", plan.departmentId());
        }
        return spec.map(row -> java.util.Optional.ofNullable(row.get("last", OffsetDateTime.class))).one()
                .flatMap(Mono::justOrEmpty);
    }
}
