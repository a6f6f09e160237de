package com.patientcrm.careplans;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * When a plan's follow-ups fall due: every {@code intervalDays} after the start (the start itself is the visit that
 * began the plan, so the first follow-up is one interval later), or on each listed date; never after the end.
 */
record Schedule(LocalDate startsOn, LocalDate endsOn, Integer intervalDays, List<LocalDate> dueDates) {

    /** The first due date on or after {@code from}, if the plan has one. */
    Optional<LocalDate> firstOnOrAfter(LocalDate from) {
        Optional<LocalDate> next;
        if (intervalDays != null) {
            LocalDate first = startsOn.plusDays(intervalDays);
            if (!from.isAfter(first)) {
                next = Optional.of(first);
            } else {
                long steps = (ChronoUnit.DAYS.between(first, from) + intervalDays - 1) / intervalDays;
                next = Optional.of(first.plusDays(steps * intervalDays));
            }
        } else {
            next = dueDates.stream().filter(date -> !date.isBefore(from)).sorted().findFirst();
        }
        return next.filter(date -> endsOn == null || !date.isAfter(endsOn));
    }

    Optional<LocalDate> after(LocalDate dueOn) {
        return firstOnOrAfter(dueOn.plusDays(1));
    }
}
