package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackDtos.Message;
import com.patientcrm.feedback.FeedbackDtos.NewFeedback;
import com.patientcrm.feedback.FeedbackDtos.PatientTicket;
import com.patientcrm.feedback.FeedbackDtos.Ticket;
import com.patientcrm.feedback.FeedbackProperties.Priority;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import com.patientcrm.privacy.AuditLog;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Patients' side of the CRM: they send a complaint, praise or a suggestion (optionally about one of their
 * appointments), and see every ticket about themselves or their family, with the hospital's replies. They never see
 * priority, assignee, tags or staff notes. Reads are audited.
 */
@RestController
class PatientFeedbackController {

    /** More than this many submissions from one account within a day is refused (429): nobody needs more. */
    static final int DAILY_LIMIT = 20;
    private static final Set<String> CONVERSATION = Set.of("created", "message", "reply");

    private final Tickets tickets;
    private final Patients patients;
    private final Sentiment sentiment;
    private final AuditLog audit;
    private final DatabaseClient db;

    PatientFeedbackController(Tickets tickets, Patients patients, Sentiment sentiment, AuditLog audit, DatabaseClient db) {
        this.tickets = tickets;
        this.patients = patients;
        this.sentiment = sentiment;
        this.audit = audit;
        this.db = db;
    }

    @PostMapping("/api/v1/feedback")
    Mono<ResponseEntity<PatientTicket>> submit(@AuthenticationPrincipal Jwt jwt,
            @RequestHeader(name = "Idempotency-Key", required = false) @Pattern(regexp = "[\\x21-\\x7E]{1,128}",
                    message = "must be 1 to 128 visible ASCII characters") String key,
            @Valid @RequestBody NewFeedback body) {
        UUID account = UUID.fromString(jwt.getSubject());
        Mono<UUID> patient = body.patientId() == null ? patients.selfId(account)
                : patients.actsFor(account).filter(body.patientId()::equals).next()
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("patient")));
        return patient.flatMap(patientId -> appointment(body.appointmentId(), patientId)
                        .flatMap(visit -> withinLimit(account).then(tickets.open(opening(account, patientId, key, body,
                                visit), new Tickets.By("patient", account.toString())))))
                .flatMap(opened -> view(opened.ticket()).map(view -> ResponseEntity
                        .status(opened.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .location(URI.create("/api/v1/feedback/" + view.id()))
                        .cacheControl(CacheControl.noStore()).body(view)));
    }

    @GetMapping("/api/v1/feedback")
    Mono<ResponseEntity<List<PatientTicket>>> mine(@AuthenticationPrincipal Jwt jwt) {
        return patients.actsFor(UUID.fromString(jwt.getSubject())).collectList()
                .flatMap(ids -> tickets.about(ids).concatMap(this::view).collectList())
                .flatMap(list -> audit.readAll("feedback", list.stream().map(PatientTicket::patientId).distinct().toList())
                        .thenReturn(list))
                .map(list -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(list));
    }

    @GetMapping("/api/v1/feedback/{id}")
    Mono<ResponseEntity<PatientTicket>> one(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return patients.actsFor(UUID.fromString(jwt.getSubject())).collectList()
                .flatMap(ids -> tickets.find(id).filter(t -> t.patientId() != null && ids.contains(t.patientId())))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("feedback")))
                .flatMap(this::view)
                .flatMap(view -> audit.read("feedback", view.patientId(), view.id().toString()).thenReturn(view))
                .map(view -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view));
    }

    private Tickets.Opening opening(UUID account, UUID patientId, String key, NewFeedback body, Visit visit) {
        boolean urgent = sentiment.urgent(body.message()) || sentiment.urgent(body.subject());
        boolean negative = urgent || "complaint".equals(body.category())
                || (!"praise".equals(body.category()) && sentiment.negative(body.message()));
        Priority priority = urgent ? Priority.URGENT : "complaint".equals(body.category()) ? Priority.HIGH
                : negative ? Priority.NORMAL : Priority.LOW;
        String subject = body.subject() != null && !body.subject().isBlank() ? body.subject().strip()
                : Subjects.from(body.message());
        // Without a key every submission is new; with one, a repeat (a retry after a lost answer) is the same ticket.
        String ref = account + ":" + (key != null ? key : UUID.randomUUID().toString());
        return new Tickets.Opening(patientId, account, "patient", ref, body.category(), priority, negative, subject,
                body.message().strip(), visit.id(), visit.departmentId(), visit.doctorId());
    }

    private record Visit(UUID id, UUID departmentId, UUID doctorId) {
        static final Visit NONE = new Visit(null, null, null);
    }

    /**
     * The appointment the feedback is about, which must be the patient's own (else 422, the same for one that does
     * not exist). Naming another family's visit is a probe of health data: audited as not found, like a lookup.
     */
    private Mono<Visit> appointment(UUID appointmentId, UUID patientId) {
        if (appointmentId == null) {
            return Mono.just(Visit.NONE);
        }
        return db.sql("select a.id, d.department_id, a.doctor_id from app.appointments a join app.doctors d "
                        + "on d.id = a.doctor_id where a.id = :id and a.patient_id = :patient")
                .bind("id", appointmentId).bind("patient", patientId)
                .map(row -> new Visit(row.get("id", UUID.class), row.get("department_id", UUID.class),
                        row.get("doctor_id", UUID.class)))
                .one()
                .switchIfEmpty(audit.unknownReference("appointment", appointmentId.toString())
                        .then(Mono.error(() -> Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "feedback-appointment",
                                "Unknown appointment", "The appointment is not one of this patient's."))));
    }

    private Mono<Void> withinLimit(UUID account) {
        return db.sql("select count(*) as n from app.feedback_tickets where account_id = :account "
                        + "and created_at > now() - interval '1 day'")
                .bind("account", account).map(row -> row.get("n", Long.class)).one()
                .flatMap(n -> {
                    if (n < DAILY_LIMIT) {
                        return Mono.empty();
                    }
                    var problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many submissions",
                            "This account has sent " + DAILY_LIMIT + " pieces of feedback today; please call the "
                                    + "hospital if it is urgent.");
                    problem.getHeaders().set("Retry-After", "3600");
                    return Mono.error(problem);
                });
    }

    private Mono<PatientTicket> view(Ticket ticket) {
        return tickets.history(ticket.id())
                .filter(event -> CONVERSATION.contains(event.kind()) && event.body() != null)
                .map(event -> new Message(event.at(), "reply".equals(event.kind()) ? "hospital" : "patient", event.body()))
                .collectList()
                .map(messages -> new PatientTicket(ticket.id(), ticket.number(), ticket.patientId(), ticket.category(),
                        ticket.status(), ticket.subject(), ticket.appointmentId(), ticket.createdAt(),
                        ticket.updatedAt(), messages));
    }
}
