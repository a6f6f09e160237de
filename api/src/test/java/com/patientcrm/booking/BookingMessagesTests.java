package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * The day-before reminder is the same wall-clock time a calendar day earlier, in the slot's own zone; an hour-based
 * one is exact.
 */
class BookingMessagesTests {

    @Test
    void inShanghaiTheReminderIs24HoursBefore() {
        OffsetDateTime start = OffsetDateTime.parse("2027-03-28T09:00:00+08:00");
        assertThat(Duration.between(BookingMessages.reminderTime(start, ZoneId.of("Asia/Shanghai"), Duration.ofDays(1)), start.toInstant()))
                .isEqualTo(Duration.ofHours(24));
    }

    @Test
    void acrossTheSpringForwardInBerlinItIs23HoursBefore() {
        OffsetDateTime start = OffsetDateTime.parse("2027-03-28T09:00:00+02:00");
        var reminder = BookingMessages.reminderTime(start, ZoneId.of("Europe/Berlin"), Duration.ofDays(1));
        assertThat(reminder).isEqualTo(OffsetDateTime.parse("2027-03-27T09:00:00+01:00").toInstant());
        assertThat(Duration.between(reminder, start.toInstant())).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void acrossTheFallBackInBerlinItIs25HoursBefore() {
        OffsetDateTime start = OffsetDateTime.parse("2027-10-31T09:00:00+01:00");
        assertThat(Duration.between(BookingMessages.reminderTime(start, ZoneId.of("Europe/Berlin"), Duration.ofDays(1)), start.toInstant()))
                .isEqualTo(Duration.ofHours(25));
    }

    @Test
    void anHourBasedReminderIsExactEvenAcrossDst() {
        OffsetDateTime start = OffsetDateTime.parse("2027-03-28T03:30:00+02:00");
        assertThat(BookingMessages.reminderTime(start, ZoneId.of("Europe/Berlin"), Duration.ofHours(2)))
                .isEqualTo(OffsetDateTime.parse("2027-03-27T23:30:00Z").toInstant());
    }
}
