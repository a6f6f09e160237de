package com.patientcrm.careplans;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The staff's recall list: active plans (not past their end date) older than {@code recall-after} whose patient has
 * not completed a visit in the plan's department (any department when the plan names none) for that long; never
 * seen first, then longest ago.
 */
@Component
class Recalls {

    private final DatabaseClient db;
    private final CarePlanProperties properties;

    Recalls(DatabaseClient db, CarePlanProperties properties) {
        this.db = db;
        this.properties = properties;
    }

    Flux<CarePlanDtos.Recall> list(UUID departmentId, int limit) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("select p.id, p.patient_id, pt.name, p.condition_code, "
                        + "p.department_id, p.title, p.starts_on, v.last from app.care_plans p "
                        + "join app.patients pt on pt.id = p.patient_id "
                        + "left join lateral (select max(a.starts_at) as last from app.appointments a "
                        + "join app.doctors d on d.id = a.doctor_id where a.patient_id = p.patient_id and a.status = 'COMPLETED' "
                        + "and (p.department_id is null or d.department_id = p.department_id)) v on true "
                        + "where p.status = 'ACTIVE' and pt.erased_at is null "
                        + "and (p.ends_on is null or p.ends_on >= (now() at time zone p.time_zone)::date) "
                        + "and p.starts_on <= (now() - make_interval(secs => :period))::date "
                        + "and (v.last is null or v.last < now() - make_interval(secs => :period)) "
                        + (departmentId == null ? "" : "and p.department_id = :department ")
                        + "order by v.last nulls first, p.starts_on, p.id limit :limit")
                .bind("period", (double) properties.recallAfter().toSeconds()).bind("limit", limit);
        if (departmentId != null) {
            spec = spec.bind("department", departmentId);
        }
        return spec.map(row -> new CarePlanDtos.Recall(row.get("id", UUID.class), row.get("patient_id", UUID.class),
                        row.get("name", String.class), row.get("condition_code", String.class),
                        row.get("department_id", UUID.class), row.get("title", String.class),
                        row.get("starts_on", java.time.LocalDate.class), row.get("last", OffsetDateTime.class)))
                .all();
    }
}
