package com.patientcrm.booking;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What booking tells patients, composed when the message is sent from the appointment as it is then: reminders
 * (only for an appointment still booked and not yet started), changes (booked, moved, cancelled by the patient or
 * by the hospital) and waitlist offers (only while the hold runs). Times are the slot's local wall-clock time.
 */
@Component
class BookingNotices implements NoticeSource {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final DatabaseClient db;
    private final Clock clock;

    BookingNotices(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Set<String> topics() {
        return Set.of(BookingMessages.REMINDER, BookingMessages.CHANGE, Waitlist.OFFER, Waitlist.HOLD_ENDED);
    }

    /**
     * Reminders are their own category; booking changes, waitlist offers and ended holds are changes the patient must
     * know of.
     */
    @Override
    public Optional<Category> category(String topic) {
        return Optional.ofNullable(switch (topic) {
            case BookingMessages.REMINDER -> Category.APPOINTMENT_REMINDER;
            case BookingMessages.CHANGE, Waitlist.OFFER, Waitlist.HOLD_ENDED -> Category.APPOINTMENT_CHANGE;
            default -> null;
        });
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        if (Waitlist.OFFER.equals(entry.topic())) {
            return offer(entry);
        }
        if (Waitlist.HOLD_ENDED.equals(entry.topic())) {
            return holdEnded(entry);
        }
        UUID id = appointmentId(entry);
        if (id == null) {
            return Mono.empty();
        }
        return db.sql(APPOINTMENT_FACTS + "where a.id = :id")
                .bind("id", id)
                .map(BookingNotices::facts)
                .one()
                .mapNotNull(facts -> notice(entry, facts));
    }

    /** Reminders and changes of a batch in one query; waitlist messages (rare) one by one, through {@link #compose}. */
    @Override
    public Mono<Map<UUID, Notice>> composeAll(List<OutboxEntry> entries) {
        Map<UUID, List<OutboxEntry>> byAppointment = new HashMap<>();
        List<OutboxEntry> others = new ArrayList<>();
        for (OutboxEntry entry : entries) {
            boolean waitlist = Waitlist.OFFER.equals(entry.topic()) || Waitlist.HOLD_ENDED.equals(entry.topic());
            UUID appointment = waitlist ? null : appointmentId(entry);
            if (appointment != null) {
                byAppointment.computeIfAbsent(appointment, a -> new ArrayList<>()).add(entry);
            } else if (waitlist) {
                others.add(entry);
            }
        }
        Flux<Map.Entry<UUID, Notice>> appointments = byAppointment.isEmpty() ? Flux.empty()
                : db.sql(APPOINTMENT_FACTS + "where a.id = any(cast(:ids as uuid[]))")
                        .bind("ids", byAppointment.keySet().toArray(UUID[]::new))
                        .map(BookingNotices::facts)
                        .all()
                        .flatMapIterable(facts -> byAppointment.get(facts.appointmentId()).stream()
                                .map(entry -> Optional.ofNullable(notice(entry, facts)).map(n -> Map.entry(entry.id(), n)))
                                .flatMap(Optional::stream).toList());
        Flux<Map.Entry<UUID, Notice>> offers = Flux.fromIterable(others)
                .concatMap(entry -> compose(entry).map(notice -> Map.entry(entry.id(), notice)));
        return Flux.concat(appointments, offers).collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private static UUID appointmentId(OutboxEntry entry) {
        String id = entry.text("appointmentId");
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Facts facts(Readable row) {
        return new Facts(row.get("status", String.class), row.get("starts_at", OffsetDateTime.class), fields(row),
                row.get("id", UUID.class));
    }

    private record Facts(String status, OffsetDateTime start, Map<String, String> fields, UUID appointmentId) {}

    private Notice notice(OutboxEntry entry, Facts facts) {
        if (!facts.start().toInstant().isAfter(clock.instant())) {
            return null;
        }
        String link = "pages/appointment/detail?id=" + facts.appointmentId();
        boolean booked = "BOOKED".equals(facts.status());
        if (BookingMessages.REMINDER.equals(entry.topic())) {
            return booked ? new Notice(Category.APPOINTMENT_REMINDER, "appointment_reminder", facts.fields(), link,
                    facts.start().toInstant()) : null;
        }
        String change = entry.text("change");
        Map<String, String> fields = new HashMap<>(facts.fields());
        String template;
        switch (change == null ? "" : change) {
            case "booked" -> template = booked ? "appointment_booked" : null;
            case "rescheduled" -> template = booked ? "appointment_rescheduled" : null;
            case "cancelled" -> template = "CANCELLED".equals(facts.status()) ? "appointment_cancelled" : null;
            case "cancelled_by_hospital" -> {
                template = "CANCELLED_BY_HOSPITAL".equals(facts.status()) ? "appointment_cancelled_by_hospital" : null;
                String reason = entry.text("reason");
                fields.put("reason", reason == null ? "" : reason);
            }
            default -> template = null;
        }
        return template == null ? null
                : new Notice(Category.APPOINTMENT_CHANGE, template, fields, link, facts.start().toInstant());
    }

    /** A held place, only while the hold runs and is still this entry's. */
    private Mono<Notice> offer(OutboxEntry entry) {
        String entryId = entry.text("entryId");
        String slotId = entry.text("slotId");
        if (entryId == null || slotId == null) {
            return Mono.empty();
        }
        return db.sql("select w.hold_expires_at, w.id as entry_id, " + FACTS_COLUMNS + "from app.waitlist_entries w "
                        + "join app.slots s on s.id = w.offered_slot_id join app.doctors d on d.id = s.doctor_id "
                        + "join app.departments dep on dep.id = d.department_id join app.patients p on p.id = w.patient_id "
                        + "where w.id = :entry and w.offered_slot_id = :slot and w.status = 'OFFERED' "
                        + "and w.hold_expires_at > now()")
                .bind("entry", UUID.fromString(entryId)).bind("slot", UUID.fromString(slotId))
                .map(row -> {
                    Map<String, String> fields = new HashMap<>(fields(row));
                    OffsetDateTime until = row.get("hold_expires_at", OffsetDateTime.class);
                    fields.put("holdUntil", until.atZoneSameInstant(ZoneId.of(row.get("time_zone", String.class)))
                            .format(LOCAL));
                    return new Notice(Category.APPOINTMENT_CHANGE, "waitlist_offer", fields,
                            "pages/waitlist/detail?id=" + row.get("entry_id", UUID.class), until.toInstant());
                })
                .one();
    }

    /**
     * A held place that is gone: withdrawn (the session was stopped; told while the person still waits or was offered
     * another place since) or lapsed (told while the entry is expired). Not after the place's own start.
     */
    private Mono<Notice> holdEnded(OutboxEntry entry) {
        String entryId = entry.text("entryId");
        String slotId = entry.text("slotId");
        String why = entry.text("why");
        if (entryId == null || slotId == null || !("withdrawn".equals(why) || "lapsed".equals(why))) {
            return Mono.empty();
        }
        String still = "withdrawn".equals(why) ? "w.status in ('WAITING', 'OFFERED')" : "w.status = 'EXPIRED'";
        return db.sql("select w.id as entry_id, " + FACTS_COLUMNS + "from app.waitlist_entries w "
                        + "join app.slots s on s.id = :slot join app.doctors d on d.id = s.doctor_id "
                        + "join app.departments dep on dep.id = d.department_id join app.patients p on p.id = w.patient_id "
                        + "where w.id = :entry and " + still)
                .bind("entry", UUID.fromString(entryId)).bind("slot", UUID.fromString(slotId))
                .map(row -> new Notice(Category.APPOINTMENT_CHANGE, "waitlist_hold_" + why, fields(row),
                        "pages/waitlist/detail?id=" + row.get("entry_id", UUID.class),
                        row.get("starts_at", OffsetDateTime.class).toInstant()))
                .one();
    }

    /** The columns {@link #fields} reads, from slot {@code s}, doctor {@code d}, department {@code dep}, patient {@code p}. */
    private static final String FACTS_COLUMNS = "s.starts_at, s.time_zone, d.name as doctor_name, dep.name as department_name, "
            + "p.name as patient_name ";

    private static final String APPOINTMENT_FACTS = "select a.id, a.status, " + FACTS_COLUMNS
            + "from app.appointments a join app.slots s on s.id = a.slot_id "
            + "join app.doctors d on d.id = a.doctor_id join app.departments dep on dep.id = d.department_id "
            + "join app.patients p on p.id = a.patient_id ";

    private static Map<String, String> fields(Readable row) {
        Map<String, String> fields = new HashMap<>();
        ZoneId zone = ZoneId.of(row.get("time_zone", String.class));
        fields.put("start", row.get("starts_at", OffsetDateTime.class).atZoneSameInstant(zone).format(LOCAL));
        fields.put("doctorName", row.get("doctor_name", String.class));
        fields.put("departmentName", row.get("department_name", String.class));
        String patient = row.get("patient_name", String.class);
        if (patient != null) {
            fields.put("patientName", patient);
        }
        return fields;
    }
}
