package com.patientcrm.notifications;

import java.time.Instant;
import reactor.core.publisher.Mono;

/** A channel that reaches a patient outside the app (WeChat, FCM), tried in the notifier's order. */
interface PushChannel {

    Channel channel();

    Mono<Result> push(Delivery delivery);

    /**
     * Whether this channel has a way to the recipient at all (an openid, a template and a credit; an active device),
     * asked before holding a message for quiet hours: a message no push can carry is not held until morning.
     */
    Mono<Boolean> canReach(Delivery delivery);

    /** One message to one recipient, in the recipient's language. */
    record Delivery(OutboxEntry entry, Recipient recipient, Notice notice, String language) {}

    /**
     * {@code SENT}: it reached the patient on this channel. {@code UNAVAILABLE}: not this way (no credit, no device,
     * refused): try the next channel. {@code RETRY}: a transient failure; try the message again later. {@code HOLD}:
     * the channel is not taking calls now (breaker open); try again at {@code retryAfter} without spending an attempt.
     */
    record Result(Kind kind, String reason, Instant retryAfter) {

        enum Kind { SENT, UNAVAILABLE, RETRY, HOLD }

        static Result sent() {
            return new Result(Kind.SENT, null, null);
        }

        static Result unavailable(String reason) {
            return new Result(Kind.UNAVAILABLE, reason, null);
        }

        static Result retry(String reason, Instant retryAfter) {
            return new Result(Kind.RETRY, reason, retryAfter);
        }

        static Result hold(String reason, Instant until) {
            return new Result(Kind.HOLD, reason, until);
        }
    }
}
