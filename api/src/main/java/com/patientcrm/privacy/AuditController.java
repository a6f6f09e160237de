package com.patientcrm.privacy;

import com.patientcrm.patients.Patients;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Admins search the audit trail; a patient sees who else accessed their and their family members' data. */
@RestController
class AuditController {

    private final AuditTrail trail;
    private final Patients patients;

    AuditController(AuditTrail trail, Patients patients) {
        this.trail = trail;
        this.patients = patients;
    }

    @GetMapping("/staff/v1/audit")
    Mono<AuditTrail.Page> search(@RequestParam(required = false) UUID patientId,
                                 @RequestParam(required = false) @Pattern(regexp = "[\\x21-\\x7E]{1,200}") String actor,
                                 @RequestParam(required = false) @Pattern(regexp = "patient|staff|client|anonymous|system")
                                 String actorKind,
                                 @RequestParam(required = false) OffsetDateTime from,
                                 @RequestParam(required = false) OffsetDateTime to,
                                 @RequestParam(required = false) String cursor,
                                 @RequestParam(defaultValue = "50") @Min(1) @Max(AuditTrail.MAX_LIMIT) int limit) {
        AuditTrail.Filter filter = new AuditTrail.Filter(patientId == null ? null : List.of(patientId), actor, actorKind,
                from, to, null);
        return trail.find(filter, cursor, limit);
    }

    /** The patient's own reads are left out: the log answers "who else looked". */
    @GetMapping("/api/v1/me/access-log")
    Mono<ResponseEntity<AccessLog>> accessLog(@AuthenticationPrincipal Jwt jwt,
                                              @RequestParam(required = false) String cursor,
                                              @RequestParam(defaultValue = "50") @Min(1) @Max(AuditTrail.MAX_LIMIT) int limit) {
        UUID account = UUID.fromString(jwt.getSubject());
        return patients.actsFor(account).collectList()
                .flatMap(ids -> trail.find(new AuditTrail.Filter(ids, null, null, null, null, account.toString()),
                        cursor, limit))
                .map(page -> new AccessLog(page.items().stream().map(AuditController::access).toList(),
                        page.nextCursor()))
                .map(body -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body));
    }

    record Access(OffsetDateTime occurredAt, String actorKind, String actorId, UUID patientId, String resource,
                  String resourceId, String action) {}

    record AccessLog(List<Access> items, String nextCursor) {}

    /** Another patient account's id is theirs to keep: only staff and hospital systems are named. */
    private static Access access(AuditTrail.Event event) {
        boolean named = event.actorKind().equals("staff") || event.actorKind().equals("client");
        return new Access(event.occurredAt(), event.actorKind(), named ? event.actorId() : null, event.patientId(),
                event.resource(), event.resourceId(), event.action());
    }
}
