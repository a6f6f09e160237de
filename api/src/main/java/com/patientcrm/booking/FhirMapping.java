package com.patientcrm.booking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/** Between FHIR R4 resources and our rows. Invalid input is an IllegalArgumentException naming what is wrong. */
final class FhirMapping {

    /** The identifier system of the hospital's own slot ids in the Slots we answer. */
    static final String SLOT_ID_SYSTEM = "urn:patientcrm:hospital-slot-id";

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private FhirMapping() {
    }

    static FhirPush.ScheduleItem schedule(int index, Schedule schedule, Bundle.BundleEntryComponent entry) {
        String key = logicalId(schedule, entry, "Schedule");
        if (key == null && schedule.hasIdentifier()) {
            key = schedule.getIdentifierFirstRep().getValue();
        }
        if (key == null || key.isBlank() || key.length() > 128) {
            throw new IllegalArgumentException("a Schedule needs an id or identifier (at most 128 characters)");
        }
        String doctor = null;
        for (Reference actor : schedule.getActor()) {
            String ref = actor.getReference();
            if (ref != null && ref.startsWith("Practitioner/")) {
                doctor = ref.substring("Practitioner/".length());
            } else if (ref == null && actor.hasIdentifier() && (!actor.hasType() || "Practitioner".equals(actor.getType()))) {
                doctor = actor.getIdentifier().getValue();
            }
        }
        if (doctor == null || doctor.isBlank()) {
            throw new IllegalArgumentException("Schedule.actor must name the doctor: Practitioner/{the hospital's doctor "
                    + "id} or a Practitioner identifier");
        }
        return new FhirPush.ScheduleItem(index, key, doctor, FhirPush.zone(schedule.getExtensionByUrl(FhirPush.TIMEZONE)),
                !schedule.hasActive() || schedule.getActive(), version(schedule));
    }

    static BookingDtos.SlotUpsert slot(Slot slot, FhirPush.Target target) {
        String externalId = slot.hasIdentifier() ? slot.getIdentifierFirstRep().getValue() : ownId(slot);
        if (externalId == null || externalId.isBlank() || externalId.length() > 128) {
            throw new IllegalArgumentException("a Slot needs an identifier or id (at most 128 characters)");
        }
        if (!slot.hasStart() || !slot.hasEnd()) {
            throw new IllegalArgumentException("Slot.start and Slot.end are required");
        }
        if (slot.getStatus() != Slot.SlotStatus.FREE && slot.getStatus() != Slot.SlotStatus.BUSY) {
            throw new IllegalArgumentException("Slot.status must be free or busy; to stop a session use "
                    + "POST /integration/v1/doctors/{externalId}/sessions/cancel");
        }
        String visitType = slot.hasServiceType() ? text(slot.getServiceTypeFirstRep()) : null;
        if (visitType != null && visitType.length() > 64) {
            throw new IllegalArgumentException("Slot.serviceType is longer than 64 characters");
        }
        ZoneId zone = ZoneId.of(target.zone());
        return new BookingDtos.SlotUpsert(externalId, target.doctorExternalId(),
                slot.getStart().toInstant().atZone(zone).toLocalDateTime(),
                slot.getEnd().toInstant().atZone(zone).toLocalDateTime(), zone.getId(),
                FhirPush.integer(slot.getExtensionByUrl(FhirPush.CAPACITY), 1, 0, 10_000, "the capacity extension"),
                visitType == null || visitType.isBlank() ? "outpatient" : visitType,
                (long) FhirPush.integer(slot.getExtensionByUrl(FhirPush.FEE_CENTS), 0, 0, Integer.MAX_VALUE, "the fee extension"),
                version(slot));
    }

    /** The hospital's version of a resource: meta.lastUpdated (milliseconds) or a numeric meta.versionId. */
    static long version(Resource resource) {
        Meta meta = resource.getMeta();
        if (meta.hasLastUpdated()) {
            return meta.getLastUpdated().getTime();
        }
        if (meta.hasVersionId()) {
            try {
                return Long.parseLong(meta.getVersionId());
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("meta.versionId must be a number when meta.lastUpdated is absent");
            }
        }
        throw new IllegalArgumentException("meta.lastUpdated (or a numeric meta.versionId) is required: the newer "
                + "version wins, so replays and out-of-order pushes never roll data back");
    }

    /**
     * The resource's own logical id, or null. HAPI gives a resource in a Bundle its entry's fullUrl as id, and a
     * {@code urn:uuid:} fullUrl is only a placeholder for this one Bundle, never the hospital's id.
     */
    private static String ownId(Resource resource) {
        String value = resource.getIdElement().getValue();
        return value == null || value.startsWith("urn:") || !resource.getIdElement().hasIdPart() ? null
                : resource.getIdElement().getIdPart();
    }

    private static String logicalId(Resource resource, Bundle.BundleEntryComponent entry, String type) {
        if (ownId(resource) != null) {
            return ownId(resource);
        }
        String url = entry.hasRequest() ? entry.getRequest().getUrl() : null;
        if (url != null && url.startsWith(type + "/") && url.indexOf('?') < 0) {
            return url.substring(type.length() + 1);
        }
        return null;
    }

    private static String text(CodeableConcept concept) {
        return concept.hasCoding() && concept.getCodingFirstRep().hasCode() ? concept.getCodingFirstRep().getCode()
                : concept.getText();
    }

    // What we answer

    static Slot slot(UUID id, String externalId, UUID doctorId, OffsetDateTime start, OffsetDateTime end, ZoneId zone,
                     int capacity, int booked, String status, String visitType, OffsetDateTime updatedAt) {
        Slot slot = new Slot();
        slot.setId(id.toString());
        slot.setMeta(new Meta().setLastUpdated(date(updatedAt)));
        slot.addIdentifier(new Identifier().setSystem(SLOT_ID_SYSTEM).setValue(externalId));
        slot.setSchedule(new Reference("Schedule/" + doctorId));
        slot.setStatus("blocked".equals(status) ? Slot.SlotStatus.BUSYUNAVAILABLE
                : booked >= capacity ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);
        slot.setStartElement(instant(start, zone)).setEndElement(instant(end, zone));
        slot.addServiceType(new CodeableConcept().setText(visitType));
        slot.setComment(capacity + " places, " + Math.max(0, capacity - booked) + " free");
        return slot;
    }

    static Appointment appointment(UUID id, String status, UUID slotId, UUID doctorId, UUID patientId,
                                   OffsetDateTime start, OffsetDateTime end, ZoneId zone, OffsetDateTime created,
                                   OffsetDateTime updated) {
        Appointment appointment = new Appointment();
        appointment.setId(id.toString());
        appointment.setMeta(new Meta().setLastUpdated(date(updated)));
        appointment.setStatus(switch (status) {
            case "BOOKED" -> Appointment.AppointmentStatus.BOOKED;
            case "CHECKED_IN" -> Appointment.AppointmentStatus.CHECKEDIN;
            case "COMPLETED" -> Appointment.AppointmentStatus.FULFILLED;
            case "NO_SHOW" -> Appointment.AppointmentStatus.NOSHOW;
            default -> Appointment.AppointmentStatus.CANCELLED;
        });
        if (status.equals("CANCELLED")) {
            appointment.setCancelationReason(new CodeableConcept().setText("cancelled by the patient"));
        } else if (status.equals("CANCELLED_BY_HOSPITAL")) {
            appointment.setCancelationReason(new CodeableConcept().setText("cancelled by the hospital (session stopped)"));
        }
        appointment.setStartElement(instant(start, zone)).setEndElement(instant(end, zone));
        appointment.setCreatedElement(new DateTimeType(date(created), TemporalPrecisionEnum.SECOND, UTC));
        appointment.addSlot(new Reference("Slot/" + slotId));
        appointment.addParticipant().setActor(new Reference("Patient/" + patientId))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        appointment.addParticipant().setActor(new Reference("Practitioner/" + doctorId))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return appointment;
    }

    /** An instant written with the offset of the slot's zone, so the hospital reads the local wall-clock time. */
    static InstantType instant(OffsetDateTime time, ZoneId zone) {
        return new InstantType(date(time), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone(zone));
    }

    static Date date(OffsetDateTime time) {
        return Date.from(time.toInstant());
    }

    static Date date(Instant time) {
        return Date.from(time);
    }
}
