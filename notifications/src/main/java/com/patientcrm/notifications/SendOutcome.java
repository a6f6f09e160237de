package com.patientcrm.notifications;

import java.time.Instant;

/**
 * What a provider call came to. {@code SENT}: accepted ({@code logged} when only logged, no credentials).
 * {@code INVALID_TARGET}: the address is dead (FCM UNREGISTERED, an invalid token): deactivate it.
 * {@code PERMANENT}: this message can never go this way (WeChat 43101, the user refused): try the next channel.
 * {@code TRANSIENT}: try again later ({@code retryAfter} when the provider said when). {@code HELD}: not attempted
 * (the channel's circuit breaker is open) until {@code retryAfter}; it does not count as an attempt.
 */
record SendOutcome(Kind kind, String detail, String providerId, Instant retryAfter, boolean logged) {

    enum Kind { SENT, INVALID_TARGET, PERMANENT, TRANSIENT, HELD }

    static SendOutcome sent(String providerId) {
        return new SendOutcome(Kind.SENT, null, providerId, null, false);
    }

    static SendOutcome loggedOnly() {
        return new SendOutcome(Kind.SENT, "logged, not sent: no credentials configured", null, null, true);
    }

    static SendOutcome invalidTarget(String detail) {
        return new SendOutcome(Kind.INVALID_TARGET, detail, null, null, false);
    }

    static SendOutcome permanent(String detail) {
        return new SendOutcome(Kind.PERMANENT, detail, null, null, false);
    }

    static SendOutcome transientFailure(String detail, Instant retryAfter) {
        return new SendOutcome(Kind.TRANSIENT, detail, null, retryAfter, false);
    }

    static SendOutcome held(String detail, Instant until) {
        return new SendOutcome(Kind.HELD, detail, null, java.util.Objects.requireNonNull(until), false);
    }
}
