package com.patientcrm.notifications;

import java.time.Instant;

/**
 * What became of a message after a handler's attempt. {@code DONE}: its effect happened. {@code RETRY}: try again
 * later ({@code notBefore} if the handler knows when, e.g. a Retry-After; otherwise the dispatcher backs off
 * exponentially). {@code DEFER}: not attempted this time (a circuit breaker is open, a quiet-hours window) and
 * due again at {@code notBefore}, without spending one of its attempts. {@code SKIPPED}: deliberately not sent
 * (the reason says why). {@code DEAD}: it cannot succeed.
 */
public record Outcome(Kind kind, Instant notBefore, String reason) {

    public enum Kind { DONE, RETRY, DEFER, SKIPPED, DEAD }

    public static Outcome done() {
        return new Outcome(Kind.DONE, null, null);
    }

    public static Outcome retry(String reason) {
        return new Outcome(Kind.RETRY, null, reason);
    }

    public static Outcome retryNotBefore(Instant notBefore, String reason) {
        return new Outcome(Kind.RETRY, notBefore, reason);
    }

    public static Outcome defer(Instant notBefore, String reason) {
        return new Outcome(Kind.DEFER, java.util.Objects.requireNonNull(notBefore), reason);
    }

    public static Outcome skipped(String reason) {
        return new Outcome(Kind.SKIPPED, null, reason);
    }

    public static Outcome dead(String reason) {
        return new Outcome(Kind.DEAD, null, reason);
    }
}
