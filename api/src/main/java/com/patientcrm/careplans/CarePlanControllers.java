package com.patientcrm.careplans;

import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import com.patientcrm.privacy.AuditLog;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Care plans over HTTP: the hospital's push, the staff's templates, plans and recall list (CARE_COORDINATOR or
 * ADMIN; templates are created by ADMIN), and the patient's own plans. Every read of plans is audited.
 */
@RestController
class CarePlanControllers {

    private final CarePlans plans;
    private final CarePlanStore store;
    private final Recalls recalls;
    private final Patients patients;
    private final AuditLog audit;

    CarePlanControllers(CarePlans plans, CarePlanStore store, Recalls recalls, Patients patients, AuditLog audit) {
        this.plans = plans;
        this.store = store;
        this.recalls = recalls;
        this.patients = patients;
        this.audit = audit;
    }

    @PostMapping("/integration/v1/care-plans")
    Mono<CarePlanDtos.UpsertResult> push(@Valid @RequestBody CarePlanDtos.HospitalPlan body) {
        return plans.upsert(body);
    }

    @GetMapping("/staff/v1/care-plan-templates")
    Mono<List<CarePlanDtos.Template>> templates() {
        return store.templates().collectList();
    }

    @PostMapping("/staff/v1/care-plan-templates")
    Mono<ResponseEntity<CarePlanDtos.Template>> createTemplate(@AuthenticationPrincipal Jwt jwt,
                                                               @Valid @RequestBody CarePlanDtos.NewTemplate body) {
        if ((body.intervalDays() == null) == (body.offsetsDays() == null)) {
            return Mono.error(Problems.invalidField("intervalDays", "give either intervalDays or offsetsDays"));
        }
        return store.insertTemplate(body, jwt.getSubject())
                .flatMap(created -> created ? store.template(body.code())
                        : Mono.error(Problems.of(HttpStatus.CONFLICT, "conflict", "Template exists",
                                "A care-plan template with this code exists already.")))
                .map(template -> ResponseEntity.created(URI.create("/staff/v1/care-plan-templates")).body(template));
    }

    @PostMapping("/staff/v1/care-plans")
    Mono<ResponseEntity<CarePlanDtos.Plan>> apply(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody CarePlanDtos.Apply body) {
        return plans.apply(body, jwt.getSubject())
                .map(plan -> ResponseEntity.created(URI.create("/staff/v1/care-plans?patientId=" + plan.patientId()))
                        .body(plan));
    }

    @GetMapping("/staff/v1/care-plans")
    Mono<ResponseEntity<List<CarePlanDtos.Plan>>> ofPatient(@RequestParam UUID patientId) {
        return plans.ofPatients(List.of(patientId)).collectList()
                .flatMap(list -> audit.readAll("care-plan", list.stream().map(CarePlanDtos.Plan::patientId).toList())
                        .thenReturn(list))
                .map(list -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(list));
    }

    @PostMapping("/staff/v1/care-plans/{id}/end")
    Mono<CarePlanDtos.Plan> end(@PathVariable UUID id) {
        return plans.end(id);
    }

    @GetMapping("/staff/v1/recalls")
    Mono<ResponseEntity<List<CarePlanDtos.Recall>>> recalls(@RequestParam(required = false) UUID departmentId,
                                                            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return recalls.list(departmentId, limit).collectList()
                .flatMap(list -> audit.readAll("recall", list.stream().map(CarePlanDtos.Recall::patientId).toList())
                        .thenReturn(list))
                .map(list -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(list));
    }

    @GetMapping("/api/v1/care-plans")
    Mono<ResponseEntity<List<CarePlanDtos.Plan>>> mine(@AuthenticationPrincipal Jwt jwt) {
        return patients.actsFor(UUID.fromString(jwt.getSubject())).collectList()
                .flatMap(ids -> plans.ofPatients(ids).collectList())
                .flatMap(list -> audit.readAll("care-plan", list.stream().map(CarePlanDtos.Plan::patientId).toList())
                        .thenReturn(list))
                .map(list -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(list));
    }
}
