package com.patientcrm.booking;

import com.patientcrm.privacy.ErasureParticipant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Booking's part in a patient's erasure: see {@link Bookings#withdrawForErasure}. */
@Component
class BookingErasure implements ErasureParticipant {

    private final Bookings bookings;

    BookingErasure(Bookings bookings) {
        this.bookings = bookings;
    }

    @Override
    public Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds) {
        return bookings.withdrawForErasure(accountId, patientIds).map(withdrawn -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("appointmentsCancelled", withdrawn.appointmentsCancelled());
            counts.put("waitlistEntriesClosed", withdrawn.waitlistEntriesClosed());
            return counts;
        });
    }
}
