package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Quiet windows are judged in the patient's zone, across midnight and through DST changes. */
class QuietHoursTests {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void theDefaultWindowRunsAcrossMidnightInShanghai() {
        QuietHours quiet = QuietHours.DEFAULT;

        assertThat(quiet.deferUntil(at("2026-05-10T23:30+08:00"))).contains(at("2026-05-11T08:00+08:00"));
        assertThat(quiet.deferUntil(at("2026-05-11T03:00+08:00"))).contains(at("2026-05-11T08:00+08:00"));
        assertThat(quiet.deferUntil(at("2026-05-10T22:00+08:00"))).contains(at("2026-05-11T08:00+08:00"));
        assertThat(quiet.deferUntil(at("2026-05-10T21:59+08:00"))).isEmpty();
        assertThat(quiet.deferUntil(at("2026-05-11T08:00+08:00"))).isEmpty();
        assertThat(quiet.deferUntil(at("2026-05-11T12:00+08:00"))).isEmpty();
    }

    @Test
    void theWindowIsJudgedInItsOwnZoneWhateverZoneTheInstantWasWrittenIn() {
        QuietHours newYork = new QuietHours(true, LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("America/New_York"));
        Instant noonInShanghai = at("2026-01-15T12:00+08:00"); // 23:00 the evening before in New York

        assertThat(newYork.deferUntil(noonInShanghai)).contains(at("2026-01-15T07:00-05:00"));
        assertThat(QuietHours.DEFAULT.deferUntil(noonInShanghai)).isEmpty();
        assertThat(newYork.deferUntil(at("2026-01-15T20:00+08:00"))).isEmpty(); // 07:00 in New York
    }

    @Test
    void aSameDayWindowDefersOnlyWithinIt() {
        QuietHours lunch = new QuietHours(true, LocalTime.of(13, 0), LocalTime.of(14, 0), ZoneId.of("Asia/Shanghai"));

        assertThat(lunch.deferUntil(at("2026-05-10T13:30+08:00"))).contains(at("2026-05-10T14:00+08:00"));
        assertThat(lunch.deferUntil(at("2026-05-10T13:00+08:00"))).contains(at("2026-05-10T14:00+08:00"));
        assertThat(lunch.deferUntil(at("2026-05-10T12:59+08:00"))).isEmpty();
        assertThat(lunch.deferUntil(at("2026-05-10T14:00+08:00"))).isEmpty();
        assertThat(lunch.deferUntil(at("2026-05-10T23:00+08:00"))).isEmpty();
    }

    @Test
    void equalStartAndEndIsAnEmptyWindow() {
        QuietHours none = new QuietHours(true, LocalTime.of(9, 0), LocalTime.of(9, 0), ZoneId.of("Asia/Shanghai"));

        assertThat(none.deferUntil(at("2026-05-10T09:00+08:00"))).isEmpty();
        assertThat(none.deferUntil(at("2026-05-10T08:59+08:00"))).isEmpty();
        assertThat(none.deferUntil(at("2026-05-10T23:00+08:00"))).isEmpty();
    }

    @Test
    void disabledQuietHoursNeverDefer() {
        QuietHours off = new QuietHours(false, LocalTime.of(22, 0), LocalTime.of(8, 0), ZoneId.of("Asia/Shanghai"));

        assertThat(off.deferUntil(at("2026-05-10T23:30+08:00"))).isEmpty();
        assertThat(off.deferUntil(at("2026-05-11T03:00+08:00"))).isEmpty();
    }

    @Test
    void anEndInTheSpringForwardGapMovesLaterByTheGap() {
        // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist and resolves to 03:30 CEST.
        QuietHours night = new QuietHours(true, LocalTime.of(1, 0), LocalTime.of(2, 30), BERLIN);

        assertThat(night.deferUntil(at("2026-03-29T01:30+01:00"))).contains(at("2026-03-29T03:30+02:00"));
        assertThat(night.deferUntil(at("2026-03-29T03:10+02:00"))).contains(at("2026-03-29T03:30+02:00"));
        assertThat(night.deferUntil(at("2026-03-29T03:30+02:00"))).isEmpty();
        assertThat(night.deferUntil(at("2026-03-29T00:59+01:00"))).isEmpty();
        // The day after, the same window is back to local 01:00-02:30 CEST.
        assertThat(night.deferUntil(at("2026-03-30T02:00+02:00"))).contains(at("2026-03-30T02:30+02:00"));
    }

    @Test
    void aStartInTheSpringForwardGapAlsoMovesLater() {
        QuietHours early = new QuietHours(true, LocalTime.of(2, 15), LocalTime.of(6, 0), BERLIN);

        assertThat(early.deferUntil(at("2026-03-29T03:05+02:00"))).isEmpty();
        assertThat(early.deferUntil(at("2026-03-29T03:20+02:00"))).contains(at("2026-03-29T06:00+02:00"));
    }

    @Test
    void theFallBackNightIsAnHourLongerAndItsRepeatedHourIsQuiet() {
        // 2026-10-25 in Berlin: 03:00 CEST goes back to 02:00 CET; 02:00-03:00 happens twice.
        assertThat(berlinNights().deferUntil(at("2026-10-25T02:30+02:00"))).contains(at("2026-10-25T08:00+01:00"));
        assertThat(berlinNights().deferUntil(at("2026-10-25T02:30+01:00"))).contains(at("2026-10-25T08:00+01:00"));
        assertThat(berlinNights().deferUntil(at("2026-10-24T22:00+02:00"))).contains(at("2026-10-25T08:00+01:00"));
        assertThat(berlinNights().deferUntil(at("2026-10-25T08:00+01:00"))).isEmpty();
    }

    @Test
    void anEndInTheFallBackOverlapIsItsFirstOccurrence() {
        QuietHours night = new QuietHours(true, LocalTime.of(1, 0), LocalTime.of(2, 30), BERLIN);

        assertThat(night.deferUntil(at("2026-10-25T02:10+02:00"))).contains(at("2026-10-25T02:30+02:00"));
        assertThat(night.deferUntil(at("2026-10-25T02:40+02:00"))).isEmpty();
        assertThat(night.deferUntil(at("2026-10-25T02:10+01:00"))).isEmpty();
    }

    private static QuietHours berlinNights() {
        return new QuietHours(true, LocalTime.of(22, 0), LocalTime.of(8, 0), BERLIN);
    }

    private static Instant at(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }
}
