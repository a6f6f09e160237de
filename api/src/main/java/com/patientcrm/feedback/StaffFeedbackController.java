package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackDtos.Assign;
import com.patientcrm.feedback.FeedbackDtos.Note;
import com.patientcrm.feedback.FeedbackDtos.Reply;
import com.patientcrm.feedback.FeedbackDtos.StatusChange;
import com.patientcrm.feedback.FeedbackDtos.Tags;
import com.patientcrm.feedback.FeedbackDtos.Ticket;
import com.patientcrm.feedback.FeedbackDtos.TicketDetail;
import com.patientcrm.feedback.FeedbackDtos.TicketPage;
import com.patientcrm.platform.Problems;
import com.patientcrm.privacy.AuditLog;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The staff inbox (FEEDBACK_AGENT, FEEDBACK_MANAGER, ADMIN): list and search tickets, read one with its history,
 * assign, note, tag, move, reply to the patient, and follow every change live. Agents assign tickets to themselves;
 * managers to anyone. Reads and changes are audited against the ticket's patient.
 */
@RestController
class StaffFeedbackController {

    private final Tickets tickets;
    private final TicketStream stream;
    private final FeedbackProperties properties;
    private final AuditLog audit;

    StaffFeedbackController(Tickets tickets, TicketStream stream, FeedbackProperties properties, AuditLog audit) {
        this.tickets = tickets;
        this.stream = stream;
        this.properties = properties;
        this.audit = audit;
    }

    @GetMapping("/staff/v1/feedback")
    Mono<ResponseEntity<TicketPage>> list(
            @RequestParam(required = false) @Pattern(regexp = "NEW|ASSIGNED|IN_PROGRESS|RESOLVED|CLOSED") String status,
            @RequestParam(required = false) @Pattern(regexp = "LOW|NORMAL|HIGH|URGENT") String priority,
            @RequestParam(required = false) @Size(min = 1, max = 200) String assignee,
            @RequestParam(required = false) @Size(min = 1, max = 100) String q,
            @RequestParam(required = false) @Pattern(regexp = "[1-9][0-9]{0,17}", message = "is not a cursor from this list")
            String cursor,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        return tickets.list(status, priority, assignee, q == null || q.isBlank() ? null : q.strip(),
                        cursor == null ? null : Long.valueOf(cursor), limit + 1)
                .collectList()
                .flatMap(rows -> {
                    List<Ticket> page = rows.size() > limit ? rows.subList(0, limit) : rows;
                    String next = rows.size() > limit ? Long.toString(page.get(page.size() - 1).number()) : null;
                    return audit.readAll("feedback", page.stream().map(Ticket::patientId).filter(Objects::nonNull)
                                    .distinct().toList())
                            .thenReturn(new TicketPage(page, next));
                })
                .map(page -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(page));
    }

    @GetMapping("/staff/v1/feedback/{id}")
    Mono<ResponseEntity<TicketDetail>> one(@PathVariable UUID id) {
        return tickets.find(id).switchIfEmpty(Mono.error(() -> Problems.notFound("ticket")))
                .flatMap(ticket -> tickets.history(id).collectList().map(history -> new TicketDetail(ticket, history)))
                .flatMap(detail -> audited(detail.ticket(), null).thenReturn(detail))
                .map(detail -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(detail));
    }

    @PostMapping("/staff/v1/feedback/{id}/assign")
    Mono<ResponseEntity<Ticket>> assign(Authentication auth, @PathVariable UUID id, @Valid @RequestBody Assign body) {
        String me = subject(auth);
        boolean anyone = StaffRoles.has(auth, "FEEDBACK_MANAGER") || StaffRoles.has(auth, "ADMIN");
        if (!body.assignee().equals(me) && !anyone) {
            return Mono.error(Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                    "Agents assign tickets to themselves; a FEEDBACK_MANAGER assigns them to others."));
        }
        return tickets.assign(id, body.assignee(), by(auth)).flatMap(t -> audited(t, "assign")).map(StaffFeedbackController::fresh);
    }

    @PostMapping("/staff/v1/feedback/{id}/notes")
    Mono<ResponseEntity<Ticket>> note(Authentication auth, @PathVariable UUID id, @Valid @RequestBody Note body) {
        return tickets.note(id, body.body().strip(), by(auth)).flatMap(t -> audited(t, "note")).map(StaffFeedbackController::fresh);
    }

    @PutMapping("/staff/v1/feedback/{id}/tags")
    Mono<ResponseEntity<Ticket>> tags(Authentication auth, @PathVariable UUID id, @Valid @RequestBody Tags body) {
        return tickets.tag(id, body.tags(), by(auth)).flatMap(t -> audited(t, "tag")).map(StaffFeedbackController::fresh);
    }

    @PostMapping("/staff/v1/feedback/{id}/status")
    Mono<ResponseEntity<Ticket>> status(Authentication auth, @PathVariable UUID id, @Valid @RequestBody StatusChange body) {
        return tickets.move(id, body.status(), body.comment() == null || body.comment().isBlank() ? null
                        : body.comment().strip(), by(auth))
                .flatMap(t -> audited(t, "status")).map(StaffFeedbackController::fresh);
    }

    @PostMapping("/staff/v1/feedback/{id}/replies")
    Mono<ResponseEntity<Ticket>> reply(Authentication auth, @PathVariable UUID id, @Valid @RequestBody Reply body) {
        return tickets.reply(id, body.message().strip(), by(auth)).flatMap(t -> audited(t, "reply")).map(StaffFeedbackController::fresh);
    }

    /**
     * Every ticket change from now on, as Server-Sent Events: {@code ready} once the stream listens, {@code ticket}
     * for each change, and for FEEDBACK_MANAGERs also {@code alert} when a negative ticket opens. A comment every
     * {@code stream-heartbeat} keeps proxies from closing an idle stream.
     */
    @GetMapping(path = "/staff/v1/feedback/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Object>> stream(Authentication auth) {
        boolean manager = StaffRoles.has(auth, "FEEDBACK_MANAGER");
        Flux<ServerSentEvent<Object>> changes = stream.changes().concatMap(change -> {
            ServerSentEvent<Object> event = ServerSentEvent.builder((Object) change).event("ticket")
                    .id(change.ticketId() + ":" + change.version()).build();
            return manager && change.alert()
                    ? Flux.just(event, ServerSentEvent.builder((Object) change).event("alert").build())
                    : Flux.just(event);
        });
        Flux<ServerSentEvent<Object>> heartbeat = Flux.interval(properties.streamHeartbeat())
                .map(n -> ServerSentEvent.builder().comment("keep-alive").build());
        Mono<ServerSentEvent<Object>> ready = stream.ready().map(ok -> ServerSentEvent.builder((Object)
                Map.of("at", Instant.now().toString())).event("ready").build());
        // Subscribe to the changes before saying ready, so nothing committed after "ready" is missed.
        return Flux.merge(changes, ready.concatWith(heartbeat));
    }

    /** A ticket carries the patient's words: never cached. */
    private static ResponseEntity<Ticket> fresh(Ticket ticket) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(ticket);
    }

    private Mono<Ticket> audited(Ticket ticket, String action) {
        if (ticket.patientId() == null) {
            return Mono.just(ticket);
        }
        Mono<Void> entry = action == null ? audit.read("feedback", ticket.patientId(), ticket.id().toString())
                : audit.acted("feedback", ticket.patientId(), ticket.id().toString(), action);
        return entry.thenReturn(ticket);
    }

    private static Tickets.By by(Authentication auth) {
        return new Tickets.By("staff", subject(auth));
    }

    private static String subject(Authentication auth) {
        return auth.getPrincipal() instanceof Jwt jwt ? jwt.getSubject() : auth.getName();
    }
}
