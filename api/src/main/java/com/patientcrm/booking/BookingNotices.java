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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
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
        return Set.of(BookingMessages.REMINDER, BookingMessages.CHANGE, Waitlist.OFFER);
    }

    /** Reminders are their own category; booking changes and waitlist offers are changes the patient must know of. */
    @Override
    public Optional<Category> category(String topic) {
        return Optional.ofNullable(switch (topic) {
            case BookingMessages.REMINDER -> Category.APPOINTMENT_REMINDER;
            case BookingMessages.CHANGE, Waitlist.OFFER -> Category.APPOINTMENT_CHANGE;
            default -> null;
        });
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        if (Waitlist.OFFER.equals(entry.topic())) {
            return offer(entry);
        }
        String id = entry.text("appointmentId");
        if (id == null) {
            return Mono.empty();
        }
        return db.sql("select a.id, a.status, " + FACTS + "from app.appointments a join app.slots s on s.id = a.slot_id "
                        + "join app.doctors d on d.id = a.doctor_id join app.departments dep on dep.id = d.department_id "
                        + "join app.patients p on p.id = a.patient_id where a.id = :id")
                .bind("id", UUID.fromString(id))
                .map(row -> new Facts(row.get("status", String.class), row.get("starts_at", OffsetDateTime.class),
                        fields(row), row.get("id", UUID.class)))
                .one()
                .mapNotNull(facts -> notice(entry, facts));
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
        return db.sql("select w.hold_expires_at, w.id as entry_id, " + FACTS + "from app.waitlist_entries w "
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

    /** The columns {@link #fields} reads, from slot {@code s}, doctor {@code d}, department {@code dep}, patient {@code p}. */
    private static final String FACTS = "s.starts_at, s.time_zone, d.name as doctor_name, dep.name as department_name, "
            + "p.name as patient_name ";

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
