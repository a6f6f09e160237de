package com.patientcrm.feedback;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The feedback CRM's HTTP shapes. Patients never see priority, assignee, tags or staff notes. */
final class FeedbackDtos {

    private FeedbackDtos() {
    }

    /** A patient's own feedback from the app. */
    record NewFeedback(@NotNull @Pattern(regexp = "complaint|praise|suggestion") String category, UUID patientId,
                       UUID appointmentId, @Size(max = 100) String subject,
                       @NotBlank @Size(max = 2000) String message) {}

    record Assign(@NotBlank @Size(max = 200) String assignee) {}

    record Note(@NotBlank @Size(max = 4000) String body) {}

    record Reply(@NotBlank @Size(max = 2000) String message) {}

    record StatusChange(@NotNull @Pattern(regexp = "IN_PROGRESS|RESOLVED|CLOSED") String status,
                        @Size(max = 2000) String comment) {}

    record Tags(@NotNull @Size(max = 20) List<@Pattern(regexp = "[\\p{L}\\p{N}][\\p{L}\\p{N}_.:-]{0,39}") String> tags) {}

    /** A ticket as staff see it. */
    record Ticket(UUID id, long number, UUID patientId, String source, String category, String priority,
                  boolean negative, String status, String assignee, String subject, String body, UUID appointmentId,
                  UUID departmentId, UUID doctorId, List<String> tags, OffsetDateTime slaDueAt, boolean slaBreached,
                  OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime resolvedAt, int version) {}

    record Event(long id, OffsetDateTime at, String actorKind, String actorId, String kind, String fromStatus,
                 String toStatus, String body) {}

    record TicketDetail(Ticket ticket, List<Event> history) {}

    record TicketPage(List<Ticket> items, String nextCursor) {}

    /** One message of the conversation a patient sees: theirs or the hospital's reply. */
    record Message(OffsetDateTime at, String from, String body) {}

    /** A ticket as the patient sees it: what they said, what the hospital answered, and where it stands. */
    record PatientTicket(UUID id, long number, UUID patientId, String category, String status, String subject,
                         UUID appointmentId, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                         List<Message> messages) {}
}
