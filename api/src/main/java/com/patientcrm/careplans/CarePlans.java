package com.patientcrm.careplans;

import com.patientcrm.platform.Problems;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The care-plan facade: the hospital's upserts, staff applying a template or ending a plan, and the plans of a set of
 * patients. Each change and its rescheduling commit together.
 */
@Service
class CarePlans {

    private final CarePlanStore store;
    private final CarePlanMessages messages;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final String defaultZone;

    CarePlans(CarePlanStore store, CarePlanMessages messages, TransactionalOperator tx, Clock clock,
              @Value("${crm.booking.default-time-zone}") String defaultZone) {
        this.store = store;
        this.messages = messages;
        this.tx = tx;
        this.clock = clock;
        this.defaultZone = defaultZone;
    }

    Mono<CarePlanDtos.UpsertResult> upsert(CarePlanDtos.HospitalPlan body) {
        if ((body.intervalDays() == null) == (body.dueDates() == null)) {
            return Mono.error(Problems.invalidField("intervalDays", "give either intervalDays or dueDates"));
        }
        if (body.endsOn() != null && body.endsOn().isBefore(body.startsOn())) {
            return Mono.error(Problems.invalidField("endsOn", "must not be before startsOn"));
        }
        if (body.dueDates() != null && body.dueDates().stream().anyMatch(d -> d.isBefore(body.startsOn()))) {
            return Mono.error(Problems.invalidField("dueDates", "must not be before startsOn"));
        }
        Mono<Object[]> department = body.departmentExternalId() == null ? Mono.just(new Object[] {null, null})
                : store.department(null, body.departmentExternalId())
                        .switchIfEmpty(Mono.error(() -> unknown("departmentExternalId", "No department with this id was pushed.")));
        return requirePatient(body.patientId()).then(department).flatMap(dep -> {
            String zone = zone(body.timeZone(), (String) dep[1]);
            CarePlanStore.Values values = new CarePlanStore.Values(body.externalId(), body.patientId(), body.conditionCode(),
                    (UUID) dep[0], body.title(), body.status() == null ? "ACTIVE" : body.status(),
                    new Schedule(body.startsOn(), body.endsOn(), body.intervalDays(),
                            body.dueDates() == null ? null : body.dueDates().stream().distinct().sorted().toList()),
                    zone, "hospital", null, null, body.version());
            return store.upsert(values)
                    .flatMap(id -> store.find(id).flatMap(messages::reschedule)
                            .thenReturn(new CarePlanDtos.UpsertResult(id, body.externalId(), true)))
                    .switchIfEmpty(Mono.just(new CarePlanDtos.UpsertResult(null, body.externalId(), false)));
        }).as(tx::transactional);
    }

    Mono<CarePlanDtos.Plan> apply(CarePlanDtos.Apply body, String staff) {
        return store.template(body.templateCode())
                .switchIfEmpty(Mono.error(() -> unknown("templateCode", "No care-plan template has this code.")))
                .flatMap(template -> requirePatient(body.patientId())
                        .then(body.departmentId() == null ? Mono.just(new Object[] {null, defaultZone})
                                : store.department(body.departmentId(), null)
                                        .switchIfEmpty(Mono.error(() -> unknown("departmentId", "No such department."))))
                        .flatMap(dep -> {
                            String zone = (String) dep[1];
                            LocalDate start = body.startsOn() != null ? body.startsOn()
                                    : LocalDate.now(clock.withZone(ZoneId.of(zone)));
                            LocalDate end = template.durationDays() == null ? null : start.plusDays(template.durationDays());
                            List<LocalDate> dates = template.offsetsDays() == null ? null
                                    : template.offsetsDays().stream().map(start::plusDays).distinct().sorted().toList();
                            return store.upsert(new CarePlanStore.Values(null, body.patientId(), template.conditionCode(),
                                    (UUID) dep[0], body.title() != null ? body.title() : template.name(), "ACTIVE",
                                    new Schedule(start, end, template.intervalDays(), dates), zone, "staff",
                                    template.code(), staff, 1));
                        }))
                .flatMap(store::find)
                .flatMap(plan -> messages.reschedule(plan).thenReturn(plan))
                .map(this::view)
                .as(tx::transactional);
    }

    /** Ends an active plan: nothing more is sent for it. */
    Mono<CarePlanDtos.Plan> end(UUID id) {
        return store.end(id)
                .flatMap(ended -> store.find(id).switchIfEmpty(Mono.error(() -> Problems.notFound("care plan")))
                        .flatMap(plan -> ended ? messages.reschedule(plan).thenReturn(plan)
                                : Mono.error(Problems.of(HttpStatus.CONFLICT, "conflict", "Not active",
                                        "This care plan has already ended."))))
                .map(this::view)
                .as(tx::transactional);
    }

    Flux<CarePlanDtos.Plan> ofPatients(List<UUID> patientIds) {
        return store.ofPatients(patientIds).map(this::view);
    }

    CarePlanDtos.Plan view(CarePlanStore.Row row) {
        LocalDate today = LocalDate.now(clock.withZone(row.zone()));
        LocalDate next = "ACTIVE".equals(row.status()) ? row.schedule().firstOnOrAfter(today).orElse(null) : null;
        Schedule s = row.schedule();
        return new CarePlanDtos.Plan(row.id(), row.externalId(), row.patientId(), row.conditionCode(), row.departmentId(),
                row.title(), row.status(), s.startsOn(), s.endsOn(), s.intervalDays(), s.dueDates(), row.timeZone(),
                row.source(), row.templateCode(), next, row.createdAt(), row.updatedAt());
    }

    private Mono<Void> requirePatient(UUID patientId) {
        return store.patientExists(patientId).flatMap(exists -> exists ? Mono.<Void>empty()
                : Mono.error(unknown("patientId", "No such patient.")));
    }

    private String zone(String given, String departmentZone) {
        String zone = given != null && !given.isBlank() ? given : departmentZone != null ? departmentZone : defaultZone;
        try {
            return ZoneId.of(zone).getId();
        } catch (java.time.DateTimeException e) {
            throw Problems.invalidField("timeZone", "is not an IANA time zone");
        }
    }

    private static RuntimeException unknown(String field, String detail) {
        var problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-reference", "Unknown reference", detail);
        problem.getBody().setProperty("field", field);
        return problem;
    }
}
