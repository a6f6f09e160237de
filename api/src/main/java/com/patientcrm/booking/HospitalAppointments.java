package com.patientcrm.booking;

import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * What the hospital's systems do to appointments: record visit outcomes, stop a doctor's session (cancelling its
 * appointments, and telling each patient) or open it again, and read every change since a point in time, page by page.
 */
@Service
class HospitalAppointments {

    /** The moves a visit can make; anything else is a conflict. Repeating the current status changes nothing. */
    private static final Map<String, List<String>> ALLOWED_FROM = Map.of(
            "CHECKED_IN", List.of("BOOKED"),
            "COMPLETED", List.of("BOOKED", "CHECKED_IN"),
            "NO_SHOW", List.of("BOOKED", "CHECKED_IN"));

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final BookingMessages messages;
    private final Waitlist waitlist;

    HospitalAppointments(DatabaseClient db, TransactionalOperator tx, BookingMessages messages, Waitlist waitlist) {
        this.db = db;
        this.tx = tx;
        this.messages = messages;
        this.waitlist = waitlist;
    }

    /**
     * The visit's outcome; diagnoses (COMPLETED only) are stored also when the visit was completed already.
     * Outcomes cannot come before the visit, by the database's clock: a check-in, or a completion without one, not
     * before the appointment's day has begun in the slot's time zone; a no-show not before the appointment's start.
     */
    Mono<BookingDtos.AppointmentChange> recordVisit(UUID appointmentId, String status, List<String> diagnoses,
                                                    String clientId) {
        return db.sql("update app.appointments a set status = :status, updated_at = now() from app.doctors d, app.slots s "
                        + "where a.id = :id and a.status = any(:from) and d.id = a.doctor_id and s.id = a.slot_id "
                        + "and " + NOT_TOO_EARLY + " "
                        + "returning a.id, a.patient_id, a.doctor_id, d.department_id, a.updated_at")
                .bind("status", status).bind("id", appointmentId)
                .bind("from", ALLOWED_FROM.get(status).toArray(String[]::new))
                .map(row -> new VisitCompleted(row.get("id", UUID.class), row.get("patient_id", UUID.class),
                        row.get("department_id", UUID.class), row.get("doctor_id", UUID.class),
                        row.get("updated_at", OffsetDateTime.class).toInstant())).one()
                .flatMap(visit -> history(visit.appointmentId(), status, clientId)
                        .then("CHECKED_IN".equals(status) ? Mono.empty() : messages.visitEnded(visit.appointmentId(), status))
                        .then("COMPLETED".equals(status) ? messages.completed(visit) : Mono.empty())
                        .thenReturn(visit.appointmentId()))
                .switchIfEmpty(Mono.defer(() -> change(appointmentId)
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("appointment")))
                        .flatMap(current -> current.status().equals(status) ? Mono.just(appointmentId)
                                : ALLOWED_FROM.get(status).contains(current.status()) ? Mono.error(tooEarly(status, current))
                                : Mono.error(Problems.of(HttpStatus.CONFLICT, "invalid-transition", "Invalid transition",
                                        "An appointment that is " + current.status() + " cannot become " + status + ".")))))
                .flatMap(id -> diagnoses == null ? Mono.just(id)
                        : db.sql("update app.appointments set diagnosis_codes = :codes where id = :id and status = 'COMPLETED'")
                                .bind("codes", diagnoses.stream().distinct().toArray(String[]::new)).bind("id", id)
                                .then().thenReturn(id))
                .as(tx::transactional)
                .flatMap(this::change);
    }

    /** Blocks the doctor's open slots that day (within the times given) and cancels their booked appointments. */
    Mono<BookingDtos.SessionCancelled> cancelSession(String doctorExternalId, BookingDtos.SessionCancellation body,
                                                     String clientId) {
        return session(doctorExternalId, body.date(), body.from(), body.to(), "open", "blocked")
                .flatMap(blocked -> blocked.slots().isEmpty() ? Mono.just(new BookingDtos.SessionCancelled(0, 0))
                        : cancelAppointmentsOf(blocked.slots(), body.reason(), clientId)
                                // People whose held place was stopped are back in line, in their place, and the
                                // first of them gets a free place left on the rest of the day, if there is one.
                                .flatMap(cancelled -> waitlist.offer(blocked.doctorId(), body.date()).thenReturn(cancelled)))
                .as(tx::transactional);
    }

    /**
     * Opens the doctor's blocked slots that day (within the times given) again, for a session stopped by mistake or
     * resumed; their places go first to the people waiting for that doctor-day, in the same transaction. The
     * appointments the stop cancelled stay cancelled: their patients were told, and book again if they wish.
     */
    Mono<BookingDtos.SessionReopened> reopenSession(String doctorExternalId, BookingDtos.SessionReopening body) {
        return session(doctorExternalId, body.date(), body.from(), body.to(), "blocked", "open")
                .flatMap(reopened -> (reopened.slots().isEmpty() ? Mono.<Void>empty() : waitlist.offer(reopened.doctorId(), body.date()))
                        .thenReturn(new BookingDtos.SessionReopened(reopened.slots().size())))
                .as(tx::transactional);
    }

    private record SessionSlots(UUID doctorId, List<UUID> slots) {}

    /** Moves the doctor's slots that day starting within [from, to) (slot-local times) from one status to the other. */
    private Mono<SessionSlots> session(String doctorExternalId, java.time.LocalDate day, LocalTime from, LocalTime to,
                                       String fromStatus, String toStatus) {
        if (from != null && to != null && !from.isBefore(to)) {
            return Mono.error(Problems.invalidField("to", "must be later than from"));
        }
        return db.sql("select id from app.doctors where external_id = :ext").bind("ext", doctorExternalId)
                .map(row -> row.get("id", UUID.class)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("doctor")))
                .flatMap(doctorId -> db.sql("update app.slots set status = :to_status, updated_at = now() "
                                + "where doctor_id = :doctor and local_date = :day and status = :from_status "
                                + "and (cast(:from as time) is null or (starts_at at time zone time_zone)::time >= :from) "
                                + "and (cast(:to as time) is null or (starts_at at time zone time_zone)::time < :to) "
                                + "returning id")
                        .bind("to_status", toStatus).bind("from_status", fromStatus)
                        .bind("doctor", doctorId).bind("day", day)
                        .bind("from", Parameter.fromOrEmpty(from, LocalTime.class))
                        .bind("to", Parameter.fromOrEmpty(to, LocalTime.class))
                        .map(row -> row.get("id", UUID.class)).all().collectList()
                        .map(slots -> new SessionSlots(doctorId, slots)));
    }

    private Mono<BookingDtos.SessionCancelled> cancelAppointmentsOf(List<UUID> slots, String reason, String clientId) {
        UUID[] slotIds = slots.toArray(UUID[]::new);
        return db.sql("update app.appointments set status = 'CANCELLED_BY_HOSPITAL', updated_at = now() "
                        + "where slot_id = any(:slots) and status = 'BOOKED' returning id, patient_id")
                .bind("slots", slotIds)
                .map(row -> Map.entry(row.get("id", UUID.class), row.get("patient_id", UUID.class))).all()
                .concatMap(cancelled -> history(cancelled.getKey(), "CANCELLED_BY_HOSPITAL", clientId)
                        .then(messages.cancelledByHospital(cancelled.getKey(), cancelled.getValue(), reason))
                        .thenReturn(cancelled.getKey()))
                .count()
                // Places held for waitlisted people on the stopped slots go with them (the recount drops them);
                // the people go back to waiting, in the place in line they had, and are told.
                .flatMap(count -> db.sql("with held as (select id, patient_id, offered_slot_id from app.waitlist_entries "
                                + "where status = 'OFFERED' and offered_slot_id = any(:slots) for update) "
                                + "update app.waitlist_entries w set status = 'WAITING', offered_slot_id = null, "
                                + "hold_expires_at = null, updated_at = now() from held where w.id = held.id "
                                + "returning w.id, held.patient_id, held.offered_slot_id")
                        .bind("slots", slotIds)
                        .map(row -> new UUID[] {row.get("id", UUID.class), row.get("patient_id", UUID.class),
                                row.get("offered_slot_id", UUID.class)})
                        .all()
                        .concatMap(held -> waitlist.holdEnded(held[0], held[1], held[2], "withdrawn"))
                        .then().thenReturn(count))
                .flatMap(count -> db.sql("update app.slots s set booked = (select count(*) from app.appointments a "
                                + "where a.slot_id = s.id and a.status in ('BOOKED', 'CHECKED_IN')) where s.id = any(:slots)")
                        .bind("slots", slotIds).then()
                        .thenReturn(new BookingDtos.SessionCancelled(slots.size(), count.intValue())));
    }

    /**
     * Changes in the order of the transactions that made them (then id), showing only what every still-running
     * transaction is younger than, so a later commit can never land behind a cursor already handed out. The cursor
     * is always given (the position after the last item, or the same position when nothing is new): poll with it.
     */
    Mono<BookingDtos.AppointmentChanges> changes(OffsetDateTime updatedSince, String cursor, int limit) {
        if (cursor == null && updatedSince == null) {
            return Mono.error(Problems.invalidField("updatedSince", "give updatedSince or cursor"));
        }
        String[] after = cursor == null ? null : decode(cursor);
        DatabaseClient.GenericExecuteSpec spec = db.sql(CHANGES + "where a.change_xid < pg_snapshot_xmin(pg_current_snapshot()) "
                        + (after != null ? "and (a.change_xid, a.id) > (cast(:xid as xid8), :afterId) " : "and a.updated_at >= :since ")
                        + "order by a.change_xid, a.id limit :limit")
                .bind("limit", limit + 1);
        spec = after != null ? spec.bind("xid", after[0]).bind("afterId", UUID.fromString(after[1]))
                : spec.bind("since", updatedSince);
        return spec.map(row -> Map.entry(row.get("xid", String.class), changeRow(row))).all().collectList()
                .flatMap(rows -> {
                    boolean more = rows.size() > limit;
                    List<Map.Entry<String, BookingDtos.AppointmentChange>> page = more ? rows.subList(0, limit) : rows;
                    List<BookingDtos.AppointmentChange> items = page.stream().map(Map.Entry::getValue).toList();
                    if (!page.isEmpty()) {
                        Map.Entry<String, BookingDtos.AppointmentChange> last = page.get(page.size() - 1);
                        return Mono.just(new BookingDtos.AppointmentChanges(items, encode(last.getKey(), last.getValue().id()), more));
                    }
                    if (cursor != null) {
                        return Mono.just(new BookingDtos.AppointmentChanges(items, cursor, false));
                    }
                    // Nothing since then yet: the position is everything the running transactions will still commit.
                    return db.sql("select pg_snapshot_xmin(pg_current_snapshot())::text as xmin").map(row -> row.get("xmin", String.class))
                            .one().map(xmin -> new BookingDtos.AppointmentChanges(items,
                                    encode(Long.toString(Long.parseLong(xmin) - 1), new UUID(-1L, -1L)), false));
                });
    }

    /** When an outcome may be recorded (in SQL over {@code a}, the appointment, and {@code s}, its slot). */
    private static final String NOT_TOO_EARLY = "(case cast(:status as text) when 'NO_SHOW' then now() >= s.starts_at "
            + "when 'COMPLETED' then a.status = 'CHECKED_IN' or now() >= a.local_date::timestamp at time zone s.time_zone "
            + "else now() >= a.local_date::timestamp at time zone s.time_zone end)";

    /** An allowed move that came before its time (the update's only other reason to change nothing). */
    private static RuntimeException tooEarly(String status, BookingDtos.AppointmentChange current) {
        String when = "NO_SHOW".equals(status) ? "before the appointment starts (" + current.start() + ")"
                : "before the appointment's day (" + current.start().toLocalDate() + ", " + current.timeZone() + ")";
        return Problems.of(HttpStatus.CONFLICT, "visit-too-early", "Too early for this outcome",
                "An appointment cannot become " + status + " " + when + ".");
    }

    private Mono<BookingDtos.AppointmentChange> change(UUID appointmentId) {
        return db.sql(CHANGES + "where a.id = :id").bind("id", appointmentId).map(HospitalAppointments::changeRow).one();
    }

    private Mono<Void> history(UUID appointmentId, String status, String clientId) {
        return db.sql("insert into app.appointment_status_history (appointment_id, status, actor_kind, actor_id) "
                        + "values (:id, :status, 'hospital', :actor)")
                .bind("id", appointmentId).bind("status", status).bind("actor", clientId).then();
    }

    private static final String CHANGES = "select a.id, a.change_xid::text as xid, a.status, a.slot_id, s.external_id as slot_ext, "
            + "d.external_id as doctor_ext, a.patient_id, p.name, s.starts_at, s.time_zone, a.updated_at "
            + "from app.appointments a join app.slots s on s.id = a.slot_id join app.doctors d on d.id = a.doctor_id "
            + "join app.patients p on p.id = a.patient_id ";

    private static BookingDtos.AppointmentChange changeRow(Readable row) {
        ZoneId zone = ZoneId.of(row.get("time_zone", String.class));
        return new BookingDtos.AppointmentChange(row.get("id", UUID.class), row.get("status", String.class),
                row.get("slot_id", UUID.class), row.get("slot_ext", String.class), row.get("doctor_ext", String.class),
                row.get("patient_id", UUID.class), row.get("name", String.class),
                SlotStore.local(row.get("starts_at", OffsetDateTime.class), zone), zone.getId(),
                row.get("updated_at", OffsetDateTime.class));
    }

    private static String encode(String xid, UUID id) {
        String raw = xid + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            if (Long.parseLong(parts[0]) < 0) {
                throw new IllegalArgumentException("negative position");
            }
            UUID.fromString(parts[1]);
            return parts;
        } catch (RuntimeException malformed) {
            throw Problems.invalidField("cursor", "is not a cursor this API returned");
        }
    }
}
