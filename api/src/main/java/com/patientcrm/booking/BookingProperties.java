package com.patientcrm.booking;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Booking rules ({@code crm.booking.*}). Horizon and minimum notice are defaults for departments the hospital
 * pushes without its own values. {@code waitlist-hold} is how long a freed place is held for the first person on a
 * doctor-day's waitlist before it passes to the next. {@code idempotency-key-ttl} is how long a booking's
 * Idempotency-Key is remembered (a repeat within it answers the original booking). {@code reminders}: how long
 * before the start each reminder goes; a whole number of days means calendar days in the slot's zone (the same
 * wall-clock time, 23 or 25 hours across a DST change). {@code catalog-cache-ttl}: how long an instance answers the
 * department and doctor lists from memory; an upsert clears this instance's copy at once, another instance's within
 * the TTL ({@code 0s}: never cached).
 */
@Validated
@ConfigurationProperties("crm.booking")
public record BookingProperties(
        @NotBlank String defaultTimeZone,
        @Min(1) @Max(365) int defaultHorizonDays,
        @Min(0) int defaultMinNoticeMinutes,
        @NotNull Duration cancelCutoff,
        @Min(1) int maxUpcomingPerPerson,
        @NotNull Duration waitlistHold,
        @NotNull Duration idempotencyKeyTtl,
        @NotEmpty List<@NotNull Duration> reminders,
        @NotNull Duration catalogCacheTtl) {
}
