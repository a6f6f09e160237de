package com.patientcrm.careplans;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When follow-ups fall due. */
class ScheduleTests {

    private static final LocalDate START = LocalDate.of(2026, 1, 10);

    @Test
    void aRecurringPlanFallsDueEveryIntervalAfterItsStart() {
        Schedule every90 = new Schedule(START, null, 90, null);
        assertThat(every90.firstOnOrAfter(START)).contains(START.plusDays(90));
        assertThat(every90.firstOnOrAfter(START.plusDays(90))).contains(START.plusDays(90));
        assertThat(every90.firstOnOrAfter(START.plusDays(91))).contains(START.plusDays(180));
        assertThat(every90.after(START.plusDays(180))).contains(START.plusDays(270));
    }

    @Test
    void listedDatesComeInOrderAndNothingFallsDueAfterTheEnd() {
        Schedule dates = new Schedule(START, START.plusDays(40), null,
                List.of(START.plusDays(30), START.plusDays(7), START.plusDays(60)));
        assertThat(dates.firstOnOrAfter(START)).contains(START.plusDays(7));
        assertThat(dates.after(START.plusDays(7))).contains(START.plusDays(30));
        assertThat(dates.after(START.plusDays(30))).isEmpty();
        assertThat(new Schedule(START, START.plusDays(100), 90, null).after(START.plusDays(90))).isEmpty();
    }
}
