package com.patientcrm.booking;

import com.patientcrm.platform.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Hospital systems record visit outcomes, stop sessions, and follow appointment changes (scopes per route). */
@RestController
class HospitalAppointmentsController {

    private final HospitalAppointments appointments;
    private final com.patientcrm.privacy.AuditLog audit;

    HospitalAppointmentsController(HospitalAppointments appointments, com.patientcrm.privacy.AuditLog audit) {
        this.audit = audit;
        this.appointments = appointments;
    }

    @PatchMapping("/integration/v1/appointments/{id}")
    Mono<BookingDtos.AppointmentChange> visit(@PathVariable UUID id, @Valid @RequestBody BookingDtos.VisitUpdate body,
                                              JwtAuthenticationToken client) {
        if (body.diagnosisCodes() != null && !"COMPLETED".equals(body.status())) {
            return Mono.error(Problems.invalidField("diagnosisCodes", "only a COMPLETED visit has diagnoses"));
        }
        return appointments.recordVisit(id, body.status(), body.diagnosisCodes(), client.getName());
    }

    @GetMapping("/integration/v1/appointments")
    Mono<BookingDtos.AppointmentChanges> changes(
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime updatedSince,
            @RequestParam(required = false) @Size(max = 200) String cursor,
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        return appointments.changes(updatedSince, cursor, limit).flatMap(changes -> audit.readAll("appointment",
                changes.items().stream().map(BookingDtos.AppointmentChange::patientId).toList()).thenReturn(changes));
    }

    /** 停诊: the doctor's session that day (or the part between from and to) is stopped by the hospital. */
    @PostMapping("/integration/v1/doctors/{externalId}/sessions/cancel")
    Mono<BookingDtos.SessionCancelled> cancelSession(@PathVariable @Size(max = 128) String externalId,
                                                     @Valid @RequestBody BookingDtos.SessionCancellation body,
                                                     JwtAuthenticationToken client) {
        return appointments.cancelSession(externalId, body, client.getName());
    }

    /** The doctor's stopped session that day (or the part between from and to) is open for booking again. */
    @PostMapping("/integration/v1/doctors/{externalId}/sessions/reopen")
    Mono<BookingDtos.SessionReopened> reopenSession(@PathVariable @Size(max = 128) String externalId,
                                                    @Valid @RequestBody BookingDtos.SessionReopening body) {
        return appointments.reopenSession(externalId, body);
    }
}
