package com.patientcrm.booking;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import com.patientcrm.platform.Cursors;
import com.patientcrm.privacy.AuditLog;
import reactor.core.publisher.Mono;

/** Patients browse departments, doctors and slots, and book and cancel appointments. */
@RestController
class BookingController {

    private final Catalog catalog;
    private final SlotStore slots;
    private final Bookings bookings;
    private final AuditLog audit;

    BookingController(Catalog catalog, SlotStore slots, Bookings bookings, AuditLog audit) {
        this.audit = audit;
        this.catalog = catalog;
        this.slots = slots;
        this.bookings = bookings;
    }

    @GetMapping("/api/v1/departments")
    Mono<List<BookingDtos.Department>> departments() {
        return catalog.departments();
    }

    @GetMapping("/api/v1/doctors")
    Mono<List<BookingDtos.Doctor>> doctors(@RequestParam(required = false) UUID departmentId) {
        return catalog.doctors(departmentId);
    }

    /** A JSON array of {@link BookingDtos.Slot}, rendered by the database (see {@link SlotStore#search}). */
    @GetMapping(path = "/api/v1/slots", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> slots(@RequestParam(required = false) UUID doctorId,
                       @RequestParam(required = false) UUID departmentId,
                       @RequestParam(required = false) LocalDate from,
                       @RequestParam(required = false) LocalDate to) {
        return slots.search(doctorId, departmentId, from, to);
    }

    @PostMapping("/api/v1/appointments")
    Mono<ResponseEntity<BookingDtos.Appointment>> book(
            @AuthenticationPrincipal Jwt jwt,
            @RequestHeader("Idempotency-Key") @Pattern(regexp = "[\\x21-\\x7E]{1,128}",
                    message = "must be 1 to 128 visible ASCII characters") String idempotencyKey,
            @Valid @RequestBody BookingDtos.NewAppointment body) {
        return bookings.book(account(jwt), idempotencyKey, body).map(booked -> {
            ResponseEntity.BodyBuilder response = booked.created()
                    ? ResponseEntity.created(URI.create("/api/v1/appointments/" + booked.appointment().id()))
                    : ResponseEntity.ok();
            return response.cacheControl(CacheControl.noStore()).body(booked.appointment());
        });
    }

    /**
     * A page of the account's appointments, as a plain array (the shape this route always had); when there are
     * more, a {@code Link} header with {@code rel="next"} gives the next page's address, relative to this one.
     */
    @GetMapping("/api/v1/appointments")
    Mono<ResponseEntity<List<BookingDtos.Appointment>>> appointments(
            @AuthenticationPrincipal Jwt jwt,
            @RequestParam(defaultValue = "upcoming") @Pattern(regexp = "upcoming|past") String status,
            @RequestParam(required = false) @Size(max = 200) String cursor,
            @RequestParam(defaultValue = "200") @Min(1) @Max(200) int limit) {
        AppointmentStore.ListPosition after = null;
        if (cursor != null) {
            String[] parts = Cursors.decode(cursor, 3);
            if (!parts[0].equals(status)) {
                throw Cursors.invalid();
            }
            after = new AppointmentStore.ListPosition(Cursors.instant(parts[1]), Cursors.uuid(parts[2]));
        }
        return bookings.list(account(jwt), status.equals("upcoming"), after, limit + 1).collectList()
                .flatMap(rows -> {
                    List<BookingDtos.Appointment> page = rows.size() > limit ? rows.subList(0, limit) : rows;
                    return audit.readAll("appointment", page.stream().map(BookingDtos.Appointment::patientId).toList())
                            .thenReturn(page.size() < rows.size() ? nextPage(status, limit, page.get(page.size() - 1))
                                    .body(page) : private_(page));
                });
    }

    private static ResponseEntity.BodyBuilder nextPage(String status, int limit, BookingDtos.Appointment last) {
        String next = Cursors.encode(status, Cursors.micros(last.start().toInstant()), last.id().toString());
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header(HttpHeaders.LINK,
                "</api/v1/appointments?status=" + status + "&limit=" + limit + "&cursor=" + next + ">; rel=\"next\"");
    }

    @GetMapping("/api/v1/appointments/{id}")
    Mono<ResponseEntity<BookingDtos.Appointment>> appointment(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return bookings.get(account(jwt), id)
                .flatMap(found -> audit.read("appointment", found.patientId(), found.id().toString()).thenReturn(found))
                .map(BookingController::private_);
    }

    @PostMapping("/api/v1/appointments/{id}/cancel")
    Mono<ResponseEntity<BookingDtos.Appointment>> cancel(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return bookings.cancel(account(jwt), id).map(BookingController::private_);
    }

    @PostMapping("/api/v1/appointments/{id}/reschedule")
    Mono<ResponseEntity<BookingDtos.Appointment>> reschedule(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                             @Valid @RequestBody BookingDtos.Reschedule body) {
        return bookings.reschedule(account(jwt), id, body.slotId()).map(BookingController::private_);
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }

    private static <T> ResponseEntity<T> private_(T body) {
        return ResponseEntity.status(HttpStatus.OK).cacheControl(CacheControl.noStore()).body(body);
    }
}
