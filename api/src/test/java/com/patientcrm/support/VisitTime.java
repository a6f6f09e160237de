package com.patientcrm.support;

import java.time.Duration;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Brings an appointment's visit to now, for tests of what the hospital records at the visit: bookings need slots in
 * the future (the minimum notice), and visit outcomes cannot come before the appointment's day. Moves the
 * appointment's slot, and the appointment's own copies of its start and day, into the past: each call to a day of
 * its own (yesterday, then the day before, ...), so that several visits of one person with one doctor never meet
 * the one-appointment-per-doctor-and-day rule.
 */
public final class VisitTime {

    private static final java.util.concurrent.atomic.AtomicInteger DAYS_BACK = new java.util.concurrent.atomic.AtomicInteger();

    private VisitTime() {}

    public static void arrive(DatabaseClient db, UUID appointmentId) {
        db.sql("with moved as (update app.slots s set starts_at = now() - make_interval(days => :back), "
                        + "ends_at = now() - make_interval(days => :back) + interval '30 minutes', "
                        + "local_date = ((now() - make_interval(days => :back)) at time zone s.time_zone)::date "
                        + "from app.appointments a where a.id = :id and s.id = a.slot_id returning s.id, s.starts_at, s.local_date) "
                        + "update app.appointments a set starts_at = moved.starts_at, local_date = moved.local_date "
                        + "from moved where a.slot_id = moved.id")
                .bind("id", appointmentId).bind("back", DAYS_BACK.incrementAndGet()).then().block(Duration.ofSeconds(30));
    }
}
