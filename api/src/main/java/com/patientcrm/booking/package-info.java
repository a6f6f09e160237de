/**
 * Booking: the hospital pushes departments, doctors and slots (by its own external ids, newest version wins);
 * patients browse them and book for themselves or a family member, and cancel. PostgreSQL enforces the rules
 * that must hold whatever the concurrency: a slot is never booked beyond its capacity, one real person holds at
 * most one live appointment per doctor per day and a bounded number of upcoming ones, and an Idempotency-Key
 * makes a repeated booking request return the original result. {@link com.patientcrm.booking.Bookings} is the
 * facade.
 */
package com.patientcrm.booking;
