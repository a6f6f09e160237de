package com.patientcrm.careplans;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.LocalTime;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Follow-up care ({@code crm.careplans.*}). A follow-up reminder goes {@code reminder-lead} before its due date at
 * {@code reminder-time} in the plan's zone; an appointment in the plan's department within {@code match-window}
 * of the due date counts as the follow-up booked (no reminder). A patient with an active plan and no completed
 * visit for {@code recall-after} is recalled.
 */
@Validated
@ConfigurationProperties("crm.careplans")
public record CarePlanProperties(@NotNull Duration reminderLead, @NotNull LocalTime reminderTime,
                                 @NotNull Duration matchWindow, @NotNull Duration recallAfter) {
}
