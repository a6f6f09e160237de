package com.patientcrm.careplans;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a plan tells the patient, composed when it is due: a follow-up reminder (unless the plan ended, or the
 * patient already has an appointment in the plan's department around the due date, which is the follow-up booked)
 * and a recall (unless the plan ended).
 */
@Component
class CarePlanNotices implements NoticeSource {

    private final CarePlanStore store;
    private final CarePlanProperties properties;
    private final DatabaseClient db;

    CarePlanNotices(CarePlanStore store, CarePlanProperties properties, DatabaseClient db) {
        this.store = store;
        this.properties = properties;
        this.db = db;
    }

    @Override
    public Set<String> topics() {
        return Set.of(CarePlanMessages.FOLLOW_UP, CarePlanMessages.RECALL);
    }

    @Override
    public Optional<Category> category(String topic) {
        return Optional.of(Category.FOLLOW_UP);
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        return store.find(CarePlanMessages.planId(entry))
                .filter(plan -> "ACTIVE".equals(plan.status()))
                .flatMap(plan -> departmentName(plan).defaultIfEmpty("").flatMap(department -> {
                    Map<String, String> fields = new HashMap<>();
                    fields.put("title", plan.title() == null ? plan.conditionCode() : plan.title());
                    fields.put("departmentName", department);
                    String link = "pages/careplan/detail?id=" + plan.id();
                    // Without a department the wording does not name one.
                    String suffix = department.isEmpty() ? "_general" : "";
                    if (CarePlanMessages.RECALL.equals(entry.topic())) {
                        return Mono.just(new Notice(Category.FOLLOW_UP, "careplan_recall" + suffix, fields, link, null));
                    }
                    LocalDate dueOn = LocalDate.parse(entry.text("dueOn"));
                    fields.put("dueOn", dueOn.toString());
                    LocalDate until = dueOn.plusDays(properties.matchWindow().toDays());
                    return alreadyBooked(plan, dueOn).flatMap(booked -> booked ? Mono.empty()
                            : Mono.just(new Notice(Category.FOLLOW_UP, "careplan_follow_up" + suffix, fields, link,
                                    until.atStartOfDay(plan.zone()).toInstant())));
                }));
    }

    private Mono<String> departmentName(CarePlanStore.Row plan) {
        if (plan.departmentId() == null) {
            return Mono.empty();
        }
        return db.sql("select name from app.departments where id = :id").bind("id", plan.departmentId())
                .map(row -> row.get("name", String.class)).one();
    }

    /** An appointment in the plan's department (any, if the plan names none) within the match window of the date. */
    private Mono<Boolean> alreadyBooked(CarePlanStore.Row plan, LocalDate dueOn) {
        long window = properties.matchWindow().toDays();
        DatabaseClient.GenericExecuteSpec spec = db.sql("select exists (select 1 from app.appointments a "
                        + "join app.doctors d on d.id = a.doctor_id where a.patient_id = :patient "
                        + "and a.status in ('BOOKED', 'CHECKED_IN', 'COMPLETED') and a.local_date between :from and :to "
                        + (plan.departmentId() == null ? "" : "and d.department_id = :department") + ") as booked")
                .bind("patient", plan.patientId()).bind("from", dueOn.minusDays(window)).bind("to", dueOn.plusDays(window));
        if (plan.departmentId() != null) {
            spec = spec.bind("department", plan.departmentId());
        }
        return spec.map(row -> row.get("booked", Boolean.class)).one();
    }
}
