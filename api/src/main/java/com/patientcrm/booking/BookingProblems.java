package com.patientcrm.booking;

import com.patientcrm.platform.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** Booking's problem types; each is listed in the contract. */
final class BookingProblems {

    private BookingProblems() {
    }

    static ErrorResponseException slotFull() {
        return Problems.of(HttpStatus.CONFLICT, "slot-full", "Slot full", "This slot has no places left.");
    }

    static ErrorResponseException notBookable(String why) {
        return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "slot-not-bookable", "Slot not bookable", why);
    }

    static ErrorResponseException sameDoctorSameDay() {
        return Problems.of(HttpStatus.CONFLICT, "duplicate-booking", "Already booked",
                "This person already has an appointment with this doctor on this day.");
    }

    static ErrorResponseException tooManyUpcoming(int limit) {
        return Problems.of(HttpStatus.CONFLICT, "booking-limit", "Too many upcoming appointments",
                "This person already holds " + limit + " upcoming appointments, the most allowed.");
    }

    static ErrorResponseException keyReused() {
        return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency key reused",
                "This Idempotency-Key was already used with a different request body.");
    }

    static ErrorResponseException notCancellable(String why) {
        return Problems.of(HttpStatus.CONFLICT, "not-cancellable", "Cannot change this appointment", why);
    }
}
