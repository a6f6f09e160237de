package com.patientcrm.booking;

import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Ends waitlist holds nobody claimed: due when the hold lapses, it gives the place to the next person waiting (or
 * back to everyone). A hold already claimed, declined or expired makes this a no-op, so a repeat is harmless.
 */
@Component
class WaitlistHolds implements OutboxHandler {

    private final Waitlist waitlist;

    WaitlistHolds(Waitlist waitlist) {
        this.waitlist = waitlist;
    }

    @Override
    public Set<String> topics() {
        return Set.of(Waitlist.HOLD_EXPIRY);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        return waitlist.expire(UUID.fromString(entry.text("entryId")))
                .map(expired -> expired ? Outcome.done() : Outcome.skipped("the hold was already claimed or released"));
    }
}
