package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackDtos.Event;
import com.patientcrm.feedback.FeedbackDtos.Ticket;
import com.patientcrm.feedback.FeedbackProperties.Priority;
import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tickets and everything that happens to them. Each change is one transaction that also writes the history row,
 * announces the change to every instance's staff stream ({@code NOTIFY}, delivered only when it commits), queues the
 * external CRM's webhook and, for a reply, the patient's notification: either all of that happens or none of it.
 */
@Component
public class Tickets {

    /** The PostgreSQL channel on which ticket changes are announced to the staff streams of every instance. */
    static final String CHANNEL = "feedback_tickets";
    static final String REPLY_TOPIC = "feedback.reply";
    static final String WEBHOOK_TOPIC = "feedback.webhook";

    private static final Set<String> OPEN = Set.of("NEW", "ASSIGNED", "IN_PROGRESS");
    /** Which states each state may move to by a status change (ASSIGNED is reached by assigning). */
    private static final Map<String, Set<String>> MOVES = Map.of(
            "NEW", Set.of("IN_PROGRESS", "RESOLVED", "CLOSED"),
            "ASSIGNED", Set.of("IN_PROGRESS", "RESOLVED", "CLOSED"),
            "IN_PROGRESS", Set.of("RESOLVED", "CLOSED"),
            "RESOLVED", Set.of("CLOSED", "IN_PROGRESS"),
            "CLOSED", Set.of("IN_PROGRESS"));
    private static final String COLUMNS = "id, number, patient_id, account_id, source, category, priority, negative, "
            + "status, assignee, subject, body, appointment_id, department_id, doctor_id, tags, sla_due_at, "
            + "sla_breached_at, created_at, updated_at, resolved_at, version";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final FeedbackProperties properties;
    private final JsonMapper json;
    private final Clock clock;

    Tickets(DatabaseClient db, TransactionalOperator tx, Outbox outbox, FeedbackProperties properties, JsonMapper json,
            Clock clock) {
        this.db = db;
        this.tx = tx;
        this.outbox = outbox;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /** Who did something to a ticket: a patient (account id), a staff member (token subject) or the system. */
    record By(String kind, String id) {
        static final By SYSTEM = new By("system", null);
    }

    /** A ticket to open. {@code source} and {@code sourceRef} identify its origin: the same pair opens one ticket. */
    record Opening(UUID patientId, UUID accountId, String source, String sourceRef, String category, Priority priority,
                   boolean negative, String subject, String body, UUID appointmentId, UUID departmentId, UUID doctorId) {}

    /** The ticket, and whether this call opened it (false: it existed already, from an earlier delivery). */
    record Opened(Ticket ticket, boolean created) {}

    /** Opens the ticket unless its origin opened one already; answers the ticket either way. */
    Mono<Opened> open(Opening opening, By by) {
        return insert(opening)
                .flatMap(ticket -> changed(ticket, by, "created", null, null, opening.body(), null)
                        .thenReturn(new Opened(ticket, true)))
                .switchIfEmpty(Mono.defer(() -> db.sql("select " + COLUMNS + " from app.feedback_tickets "
                                + "where source = :source and source_ref = :ref")
                        .bind("source", opening.source()).bind("ref", opening.sourceRef())
                        .map(Tickets::ticket).one().map(ticket -> new Opened(ticket, false))))
                .as(tx::transactional);
    }

    /**
     * A further message from a patient who has an open ticket from the same source: it joins that conversation (the
     * latest open one) rather than opening another. Without an open ticket it opens {@code otherwise}. Serialised per
     * patient, so two messages arriving together cannot open two tickets.
     */
    Mono<Opened> message(UUID patientId, String source, String eventRef, String body, Opening otherwise, By by) {
        return db.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "feedback:" + source + ":" + patientId).then()
                .then(delivered(source, eventRef))
                .map(ticket -> new Opened(ticket, false))
                .switchIfEmpty(Mono.defer(() -> latestOpen(patientId, source)
                        .flatMap(open -> touch(open.id(), Map.of(), false)
                                .flatMap(ticket -> changed(ticket, by, "message", null, null, body, eventRef))
                                .map(ticket -> new Opened(ticket, false)))
                        .switchIfEmpty(Mono.defer(() -> open(otherwise, by)))))
                .as(tx::transactional);
    }

    /** The ticket a message already reached (it opened it, or joined it), if this is a repeated delivery. */
    private Mono<Ticket> delivered(String source, String ref) {
        return db.sql("select " + COLUMNS + " from app.feedback_tickets t where (t.source = :source and t.source_ref = :ref) "
                        + "or t.id = (select e.ticket_id from app.feedback_events e where e.source_ref = :ref) limit 1")
                .bind("source", source).bind("ref", ref)
                .map(Tickets::ticket).one();
    }

    private Mono<Ticket> latestOpen(UUID patientId, String source) {
        return db.sql("select " + COLUMNS + " from app.feedback_tickets where patient_id = :patient and source = :source "
                        + "and status in ('NEW', 'ASSIGNED', 'IN_PROGRESS') order by number desc limit 1")
                .bind("patient", patientId).bind("source", source)
                .map(Tickets::ticket).one();
    }

    Mono<Ticket> find(UUID id) {
        return db.sql("select " + COLUMNS + " from app.feedback_tickets where id = :id").bind("id", id)
                .map(Tickets::ticket).one();
    }

    /** Staff's list, newest first; {@code after} is the number of the last ticket of the previous page. */
    Flux<Ticket> list(String status, String priority, String assignee, String query, Long after, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from app.feedback_tickets where true");
        Map<String, Object> binds = new LinkedHashMap<>();
        if (status != null) {
            sql.append(" and status = :status");
            binds.put("status", status);
        }
        if (priority != null) {
            sql.append(" and priority = :priority");
            binds.put("priority", priority);
        }
        if (assignee != null) {
            sql.append(" and assignee = :assignee");
            binds.put("assignee", assignee);
        }
        if (query != null) {
            // Literal text: % and _ in what staff typed match themselves.
            sql.append(" and (subject ilike :q escape '\\' or body ilike :q escape '\\' or exists (select 1 from "
                    + "app.feedback_events e where e.ticket_id = feedback_tickets.id and e.body ilike :q escape '\\')"
                    + " or cast(number as text) = :exact)");
            binds.put("q", "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            binds.put("exact", query.trim());
        }
        if (after != null) {
            sql.append(" and number < :after");
            binds.put("after", after);
        }
        sql.append(" order by number desc limit :limit");
        binds.put("limit", limit);
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString());
        for (Map.Entry<String, Object> bind : binds.entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map(Tickets::ticket).all();
    }

    Flux<Event> history(UUID ticketId) {
        return db.sql("select id, at, actor_kind, actor_id, kind, from_status, to_status, body from app.feedback_events "
                        + "where ticket_id = :id order by id")
                .bind("id", ticketId)
                .map(row -> new Event(row.get("id", Long.class), row.get("at", OffsetDateTime.class),
                        row.get("actor_kind", String.class), row.get("actor_id", String.class),
                        row.get("kind", String.class), row.get("from_status", String.class),
                        row.get("to_status", String.class), row.get("body", String.class)))
                .all();
    }

    /** Tickets about these patients (the patient's own view), newest first. */
    Flux<Ticket> about(List<UUID> patientIds) {
        return db.sql("select " + COLUMNS + " from app.feedback_tickets where patient_id = any(cast(:ids as uuid[])) "
                        + "order by number desc limit 200")
                .bind("ids", patientIds.toArray(UUID[]::new))
                .map(Tickets::ticket).all();
    }

    /** Assigns the ticket (a new one becomes ASSIGNED); a resolved or closed ticket must be reopened first. */
    Mono<Ticket> assign(UUID id, String assignee, By by) {
        return db.sql("update app.feedback_tickets set assignee = :assignee, status = case when status = 'NEW' "
                        + "then 'ASSIGNED' else status end, updated_at = now(), version = version + 1 "
                        + "where id = :id and status in ('NEW', 'ASSIGNED', 'IN_PROGRESS') returning " + COLUMNS)
                .bind("id", id).bind("assignee", assignee)
                .map(Tickets::ticket).one()
                .switchIfEmpty(refuse(id, "A resolved or closed ticket is reopened before it is assigned."))
                .flatMap(ticket -> changed(ticket, by, "assigned", null, null, assignee, null))
                .as(tx::transactional);
    }

    /** Moves the ticket; taking it IN_PROGRESS without an assignee assigns whoever did it. */
    Mono<Ticket> move(UUID id, String to, String comment, By by) {
        return find(id).switchIfEmpty(Mono.error(Problems.notFound("ticket")))
                .flatMap(current -> {
                    if (!MOVES.getOrDefault(current.status(), Set.of()).contains(to)) {
                        return Mono.error(Problems.of(org.springframework.http.HttpStatus.CONFLICT,
                                "feedback-transition", "Not allowed now",
                                "A " + current.status() + " ticket cannot become " + to + "."));
                    }
                    return db.sql("update app.feedback_tickets set status = :to, updated_at = now(), "
                                    + "version = version + 1, assignee = case when :to = 'IN_PROGRESS' and assignee is null "
                                    + "then :actor else assignee end, resolved_at = case when :to in ('RESOLVED', 'CLOSED') "
                                    + "then coalesce(resolved_at, now()) else null end, sla_due_at = case when :reopen "
                                    + "then :due else sla_due_at end, sla_breached_at = case when :reopen then null else "
                                    + "sla_breached_at end where id = :id and status = :from returning " + COLUMNS)
                            .bind("id", id).bind("to", to).bind("from", current.status())
                            .bind("actor", Parameter.fromOrEmpty(by.id(), String.class))
                            // Reopened: staff get the priority's full time again.
                            .bind("reopen", !OPEN.contains(current.status()))
                            .bind("due", OffsetDateTime.ofInstant(clock.instant()
                                    .plus(properties.sla().get(Priority.valueOf(current.priority()))), clock.getZone()))
                            .map(Tickets::ticket).one()
                            .switchIfEmpty(Mono.error(Problems.conflict("The ticket changed meanwhile; look again.")))
                            .flatMap(ticket -> changed(ticket, by, "status", current.status(), to, comment, null));
                })
                .as(tx::transactional);
    }

    Mono<Ticket> note(UUID id, String body, By by) {
        return touch(id, Map.of(), true).flatMap(ticket -> changed(ticket, by, "note", null, null, body, null))
                .as(tx::transactional);
    }

    Mono<Ticket> tag(UUID id, List<String> tags, By by) {
        String[] sorted = tags.stream().distinct().sorted().toArray(String[]::new);
        return touch(id, Map.of("tags", sorted), true)
                .flatMap(ticket -> changed(ticket, by, "tags", null, null, String.join(", ", sorted), null))
                .as(tx::transactional);
    }

    /**
     * Answers the patient: the reply is kept in the ticket (the patient's view shows it) and announced to the patient
     * through notifications. A new or assigned ticket is in progress from then on, assigned to whoever replied if it
     * had nobody. An anonymous ticket has nobody to answer (409).
     */
    Mono<Ticket> reply(UUID id, String message, By by) {
        return find(id).switchIfEmpty(Mono.error(Problems.notFound("ticket")))
                .flatMap(current -> {
                    if (current.patientId() == null) {
                        return Mono.error(Problems.of(org.springframework.http.HttpStatus.CONFLICT,
                                "feedback-anonymous", "Nobody to reply to",
                                "This ticket came from a sender without an account here; reply in WeChat instead."));
                    }
                    return db.sql("update app.feedback_tickets set status = case when status in ('NEW', 'ASSIGNED') "
                                    + "then 'IN_PROGRESS' else status end, assignee = coalesce(assignee, :actor), "
                                    + "updated_at = now(), version = version + 1 where id = :id returning " + COLUMNS)
                            .bind("id", id).bind("actor", Parameter.fromOrEmpty(by.id(), String.class))
                            .map(Tickets::ticket).one()
                            .flatMap(ticket -> insertEvent(ticket, by, "reply", null, null, message, null)
                                    .flatMap(eventId -> outbox.enqueue(new OutboxMessage(REPLY_TOPIC,
                                                    REPLY_TOPIC + ":" + eventId, ticket.patientId(), ticket.id(),
                                                    Map.of("ticketId", ticket.id().toString(), "eventId", eventId),
                                                    clock.instant()))
                                            .then(announce(ticket, by, "reply", eventId))));
                })
                .as(tx::transactional);
    }

    /**
     * Flags every open ticket past its SLA due time, once each, and announces it; answers how many. Safe on every
     * instance at once: the update claims each ticket for exactly one of them.
     */
    Mono<Long> flagBreaches() {
        return db.sql("update app.feedback_tickets set sla_breached_at = now(), updated_at = now(), "
                        + "version = version + 1 where sla_breached_at is null and sla_due_at < :now "
                        + "and status in ('NEW', 'ASSIGNED', 'IN_PROGRESS') returning " + COLUMNS)
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), clock.getZone()))
                .map(Tickets::ticket).all()
                .concatMap(ticket -> changed(ticket, By.SYSTEM, "sla_breached", null, null, null, null))
                .count()
                .as(tx::transactional);
    }

    /** Erasure: the patients' tickets lose their free text and their link to the person; answers how many. */
    Mono<Long> detach(List<UUID> patientIds) {
        UUID[] ids = patientIds.toArray(UUID[]::new);
        return db.sql("update app.feedback_events set body = null where ticket_id in (select id from "
                        + "app.feedback_tickets where patient_id = any(cast(:ids as uuid[])))")
                .bind("ids", ids).then()
                .then(db.sql("update app.feedback_tickets set subject = '(erased)', body = '', patient_id = null, "
                                + "account_id = null, appointment_id = null, source_ref = 'erased:' || id, updated_at = now() "
                                + "where patient_id = any(cast(:ids as uuid[]))")
                        .bind("ids", ids).fetch().rowsUpdated());
    }

    private Mono<Ticket> insert(Opening o) {
        Instant now = clock.instant();
        return db.sql("insert into app.feedback_tickets (id, patient_id, account_id, source, source_ref, category, "
                        + "priority, negative, subject, body, appointment_id, department_id, doctor_id, sla_due_at) values "
                        + "(:id, :patient, :account, :source, :ref, :category, :priority, :negative, :subject, :body, "
                        + ":appointment, :department, :doctor, :due) on conflict (source, source_ref) do nothing "
                        + "returning " + COLUMNS)
                .bind("id", UUID.randomUUID())
                .bind("patient", Parameter.fromOrEmpty(o.patientId(), UUID.class))
                .bind("account", Parameter.fromOrEmpty(o.accountId(), UUID.class))
                .bind("source", o.source()).bind("ref", o.sourceRef()).bind("category", o.category())
                .bind("priority", o.priority().name()).bind("negative", o.negative())
                .bind("subject", o.subject()).bind("body", o.body())
                .bind("appointment", Parameter.fromOrEmpty(o.appointmentId(), UUID.class))
                .bind("department", Parameter.fromOrEmpty(o.departmentId(), UUID.class))
                .bind("doctor", Parameter.fromOrEmpty(o.doctorId(), UUID.class))
                .bind("due", OffsetDateTime.ofInstant(now.plus(properties.sla().get(o.priority())), clock.getZone()))
                .map(Tickets::ticket).one();
    }

    /** Bumps the ticket's version (and sets the given columns); 404 if it does not exist, 409 if closed and asked. */
    private Mono<Ticket> touch(UUID id, Map<String, String[]> arrays, boolean allowClosed) {
        StringBuilder set = new StringBuilder("updated_at = now(), version = version + 1");
        arrays.keySet().forEach(column -> set.append(", ").append(column).append(" = :").append(column));
        DatabaseClient.GenericExecuteSpec spec = db.sql("update app.feedback_tickets set " + set + " where id = :id "
                        + (allowClosed ? "" : "and status in ('NEW', 'ASSIGNED', 'IN_PROGRESS') ") + "returning " + COLUMNS)
                .bind("id", id);
        for (Map.Entry<String, String[]> array : arrays.entrySet()) {
            spec = spec.bind(array.getKey(), array.getValue());
        }
        return spec.map(Tickets::ticket).one().switchIfEmpty(Mono.error(Problems.notFound("ticket")));
    }

    private Mono<Ticket> refuse(UUID id, String why) {
        return find(id).switchIfEmpty(Mono.error(Problems.notFound("ticket")))
                .flatMap(exists -> Mono.error(Problems.of(org.springframework.http.HttpStatus.CONFLICT,
                        "feedback-transition", "Not allowed now", why)));
    }

    private Mono<Ticket> changed(Ticket ticket, By by, String kind, String from, String to, String body, String ref) {
        return insertEvent(ticket, by, kind, from, to, body, ref).flatMap(eventId -> announce(ticket, by, kind, eventId));
    }

    private Mono<Long> insertEvent(Ticket ticket, By by, String kind, String from, String to, String body, String ref) {
        return db.sql("insert into app.feedback_events (ticket_id, actor_kind, actor_id, kind, from_status, to_status, "
                        + "body, source_ref) values (:ticket, :kind_of_actor, :actor, :kind, :from, :to, :body, :ref) "
                        + "returning id")
                .bind("ticket", ticket.id()).bind("kind_of_actor", by.kind())
                .bind("actor", Parameter.fromOrEmpty(by.id(), String.class)).bind("kind", kind)
                .bind("from", Parameter.fromOrEmpty(from, String.class))
                .bind("to", Parameter.fromOrEmpty(to, String.class))
                .bind("body", Parameter.fromOrEmpty(body, String.class))
                .bind("ref", Parameter.fromOrEmpty(ref, String.class))
                .map(row -> row.get("id", Long.class)).one();
    }

    /** Tells the staff streams (on commit) and queues the external CRM's copy. No free text goes over NOTIFY. */
    private Mono<Ticket> announce(Ticket ticket, By by, String change, long eventId) {
        TicketChange announced = TicketChange.of(ticket, change, eventId);
        Mono<Void> webhook = !properties.webhook().enabled() ? Mono.empty()
                : outbox.enqueue(new OutboxMessage(WEBHOOK_TOPIC, WEBHOOK_TOPIC + ":" + eventId, null, ticket.id(),
                        Map.of("ticketId", ticket.id().toString(), "eventId", eventId, "change", change),
                        clock.instant()));
        return db.sql("select pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL).bind("payload", json.writeValueAsString(announced))
                .then().then(webhook).thenReturn(ticket);
    }

    static Ticket ticket(Readable row) {
        OffsetDateTime breached = row.get("sla_breached_at", OffsetDateTime.class);
        String[] tags = row.get("tags", String[].class);
        return new Ticket(row.get("id", UUID.class), row.get("number", Long.class), row.get("patient_id", UUID.class),
                row.get("source", String.class), row.get("category", String.class), row.get("priority", String.class),
                row.get("negative", Boolean.class), row.get("status", String.class), row.get("assignee", String.class),
                row.get("subject", String.class), row.get("body", String.class), row.get("appointment_id", UUID.class),
                row.get("department_id", UUID.class), row.get("doctor_id", UUID.class),
                tags == null ? List.of() : Arrays.asList(tags), row.get("sla_due_at", OffsetDateTime.class),
                breached != null, row.get("created_at", OffsetDateTime.class),
                row.get("updated_at", OffsetDateTime.class), row.get("resolved_at", OffsetDateTime.class),
                row.get("version", Integer.class));
    }
}
