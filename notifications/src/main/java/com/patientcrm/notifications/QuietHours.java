package com.patientcrm.notifications;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When the patient does not want to be disturbed, in the patient's own zone (not the server's, nor the hospital's:
 * a patient travelling abroad sleeps by local time). Parts may be null only while a client's input is being
 * validated; {@link Preferences} rejects such values before they are stored or used.
 *
 * @param start the first quiet local time (inclusive)
 * @param end   the first local time at which messages may go again (exclusive); equal to {@code start} means no
 *              quiet time at all, before {@code start} means the window runs across midnight
 */
public record QuietHours(boolean enabled, LocalTime start, LocalTime end, ZoneId zone) {

    public static final QuietHours DEFAULT =
            new QuietHours(true, LocalTime.of(22, 0), LocalTime.of(8, 0), ZoneId.of("Asia/Shanghai"));

    /**
     * When a message due at {@code at} may go: empty if now, else the instant the quiet window ends. Windows are
     * compared as instants, with each day's start and end resolved like {@link ZonedDateTime#of}: a time in a DST
     * gap moves later by the gap's length (the window keeps its elapsed length), a time in an overlap takes the
     * earlier offset (the window ends the first time the clock shows {@code end}).
     */
    public Optional<Instant> deferUntil(Instant at) {
        if (!enabled || start.equals(end)) {
            return Optional.empty();
        }
        LocalDate today = LocalDate.ofInstant(at, zone);
        // A window containing `at` started today or, if it runs across midnight, yesterday.
        for (LocalDate day = today.minusDays(1); !day.isAfter(today); day = day.plusDays(1)) {
            Instant from = ZonedDateTime.of(day, start, zone).toInstant();
            Instant until = ZonedDateTime.of(start.isBefore(end) ? day : day.plusDays(1), end, zone).toInstant();
            if (!at.isBefore(from) && at.isBefore(until)) {
                return Optional.of(until);
            }
        }
        return Optional.empty();
    }
}
