package com.patientcrm.inbox;

import com.patientcrm.auth.Actor;
import com.patientcrm.notifications.NotificationHistory;
import com.patientcrm.platform.Problems;
import com.patientcrm.privacy.AuditLog;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Staff who answer patients see what was sent to them, on which channel and why not, and resend a dead letter.
 * Both read patient data and leave audit rows; which roles may call them is in the security configuration.
 */
@RestController
class StaffNotificationsController {

    private final NotificationHistory history;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    StaffNotificationsController(NotificationHistory history, AuditLog audit, TransactionalOperator tx) {
        this.history = history;
        this.audit = audit;
        this.tx = tx;
    }

    /** Without a patient only with a status: every dead letter is a question staff ask, every message is not. */
    @GetMapping("/staff/v1/notifications")
    Mono<ResponseEntity<NotificationHistory.Page>> list(
            @RequestParam(required = false) UUID patientId,
            @RequestParam(required = false) @Pattern(regexp = "queued|sending|sent|skipped|cancelled|dead") String status,
            @RequestParam(required = false) @Size(max = 200) String cursor,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
        if (patientId == null && status == null) {
            return Mono.error(Problems.invalidField("patientId", "is required unless status is given"));
        }
        NotificationHistory.Status wanted = status == null ? null : NotificationHistory.Status.parse(status).orElseThrow();
        return history.page(patientId, wanted, cursor, limit)
                .onErrorMap(NotificationHistory.BadCursor.class,
                        e -> Problems.invalidField("cursor", "is not a cursor this API gave out"))
                .flatMap(page -> audit.readAll("notification", page.items().stream()
                        .map(NotificationHistory.Item::patientId).toList()).thenReturn(page))
                .map(page -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(page));
    }

    /** The resend and its audit row commit together: a resend the trail does not show never happened. */
    @PostMapping("/staff/v1/notifications/{id}/resend")
    Mono<ResponseEntity<NotificationHistory.Item>> resend(@PathVariable UUID id) {
        return Actor.current()
                .flatMap(actor -> history.resend(id, actor.id()))
                .flatMap(item -> audit.acted("notification", item.patientId(), id.toString(), "resend").thenReturn(item))
                .as(tx::transactional)
                .onErrorMap(NotificationHistory.NotResendable.class, e -> Problems.of(HttpStatus.CONFLICT,
                        "not-resendable", "Not resendable",
                        "Only a dead message can be resent; this one is " + e.status().code() + "."))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("notification")))
                .map(item -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(item));
    }
}
