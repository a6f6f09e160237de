package com.patientcrm.booking;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Patients wait for a place on a full doctor-day, and claim the place held for them. */
@RestController
class WaitlistController {

    private final Waitlist waitlist;

    WaitlistController(Waitlist waitlist) {
        this.waitlist = waitlist;
    }

    @PostMapping("/api/v1/waitlist")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<BookingDtos.WaitlistEntry> join(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody BookingDtos.WaitlistJoin body) {
        return waitlist.join(UUID.fromString(jwt.getSubject()), body);
    }

    @GetMapping("/api/v1/waitlist")
    Mono<ResponseEntity<List<BookingDtos.WaitlistEntry>>> list(@AuthenticationPrincipal Jwt jwt) {
        return waitlist.list(UUID.fromString(jwt.getSubject())).collectList()
                .map(entries -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(entries));
    }

    @PostMapping("/api/v1/waitlist/{id}/claim")
    Mono<ResponseEntity<BookingDtos.Appointment>> claim(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return waitlist.claim(UUID.fromString(jwt.getSubject()), id)
                .map(appointment -> ResponseEntity.created(URI.create("/api/v1/appointments/" + appointment.id()))
                        .cacheControl(CacheControl.noStore()).body(appointment));
    }

    @DeleteMapping("/api/v1/waitlist/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> leave(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return waitlist.leave(UUID.fromString(jwt.getSubject()), id);
    }
}
