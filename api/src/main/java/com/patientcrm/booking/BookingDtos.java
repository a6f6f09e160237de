package com.patientcrm.booking;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Bodies of the booking API, hospital side and patient side. */
final class BookingDtos {

    private BookingDtos() {
    }

    // Hospital side

    record DepartmentUpsert(@NotBlank @Size(max = 128) String name, @Size(max = 2000) String description,
                            @Size(max = 64) String timeZone, @Min(1) @Max(365) Integer bookingHorizonDays,
                            @Min(0) @Max(10080) Integer minNoticeMinutes, Boolean active,
                            @NotNull @Min(0) Long version) {}

    record DoctorUpsert(@NotBlank @Size(max = 128) String departmentExternalId, @NotBlank @Size(max = 128) String name,
                        @Size(max = 64) String title, @Size(max = 256) String specialty,
                        @Size(max = 1024) String photoUrl, @Size(max = 4000) String bio, Boolean active,
                        @NotNull @Min(0) Long version) {}

    record SlotUpsert(@NotBlank @Size(max = 128) String externalId, @NotBlank @Size(max = 128) String doctorExternalId,
                      @NotNull LocalDateTime start, @NotNull LocalDateTime end, @Size(max = 64) String timeZone,
                      @NotNull @Min(0) @Max(10000) Integer capacity, @NotBlank @Size(max = 64) String visitType,
                      @NotNull @Min(0) Long feeCents, @NotNull @Min(0) Long version) {}

    record SlotBatch(@NotEmpty @Size(max = 10000) List<@Valid @NotNull SlotUpsert> slots) {}

    /** Per item: stored, ignored as stale (an equal or newer version is already stored), or rejected with a reason. */
    record SlotResult(String externalId, String outcome, UUID id, String error) {}

    record SlotBatchResult(int stored, int stale, int rejected, List<SlotResult> items) {}

    record UpsertResult(UUID id, String externalId, boolean applied) {}

    /**
     * A visit's outcome; a COMPLETED visit may carry its diagnoses (ICD-10 codes such as {@code E11.9}), which the
     * health-education feed matches articles against.
     */
    record VisitUpdate(@NotNull @jakarta.validation.constraints.Pattern(regexp = "CHECKED_IN|COMPLETED|NO_SHOW") String status,
                       @Size(max = 20) List<@NotNull @jakarta.validation.constraints.Pattern(
                               regexp = "[A-Z][0-9]{2}(\\.[0-9A-Z]{1,4})?", message = "must be an ICD-10 code such as E11.9")
                               String> diagnosisCodes) {}

    record SessionCancellation(@NotNull LocalDate date, java.time.LocalTime from, java.time.LocalTime to,
                               @Size(max = 500) String reason) {}

    record SessionCancelled(int slotsBlocked, int appointmentsCancelled) {}

    record SessionReopening(@NotNull LocalDate date, java.time.LocalTime from, java.time.LocalTime to) {}

    record SessionReopened(int slotsReopened) {}

    /** An appointment as the hospital's systems see it in the change feed. */
    record AppointmentChange(UUID id, String status, UUID slotId, String slotExternalId, String doctorExternalId,
                             UUID patientId, String patientName, OffsetDateTime start, String timeZone,
                             OffsetDateTime updatedAt) {}

    /** {@code nextCursor} is where to continue (always given); {@code hasMore}: ask again at once, more is waiting. */
    record AppointmentChanges(List<AppointmentChange> items, String nextCursor, boolean hasMore) {}

    // Patient side

    record Department(UUID id, String name, String description, String timeZone, int bookingHorizonDays) {}

    record Doctor(UUID id, UUID departmentId, String name, String title, String specialty, String photoUrl, String bio) {}

    record Slot(UUID id, UUID doctorId, UUID departmentId, OffsetDateTime start, OffsetDateTime end, String timeZone,
                LocalDate localDate, int capacity, int remaining, String visitType, long feeCents) {}

    record NewAppointment(@NotNull UUID slotId, UUID patientId) {}

    record Reschedule(@NotNull UUID slotId) {}

    record Appointment(UUID id, UUID slotId, UUID patientId, UUID doctorId, UUID departmentId, OffsetDateTime start,
                       OffsetDateTime end, String timeZone, String status, OffsetDateTime createdAt) {}

    // Waitlist

    record WaitlistJoin(@NotNull UUID doctorId, @NotNull LocalDate date, UUID patientId) {}

    /** A place held for the entry until {@code expiresAt}: claim it to book it. */
    record WaitlistOffer(UUID slotId, OffsetDateTime start, OffsetDateTime end, String timeZone, OffsetDateTime expiresAt) {}

    /** {@code position} (1 = next in line) while WAITING; {@code offer} while OFFERED; {@code appointmentId} once BOOKED. */
    record WaitlistEntry(UUID id, UUID doctorId, LocalDate date, UUID patientId, String status, Integer position,
                         WaitlistOffer offer, UUID appointmentId, OffsetDateTime createdAt) {}
}
