package com.patientcrm.notifications;

import java.time.Instant;

/**
 * The answer of {@link ContactPolicy}: send now, wait until {@code notBefore} (quiet hours), or do not send, with
 * the reason kept on the message (e.g. {@code no-consent}, {@code opted-out}).
 */
public record ContactDecision(Verdict verdict, String reason, Instant notBefore) {

    public enum Verdict { ALLOW, DEFER, DENY }

    public static ContactDecision allow() {
        return new ContactDecision(Verdict.ALLOW, null, null);
    }

    public static ContactDecision defer(Instant until, String reason) {
        return new ContactDecision(Verdict.DEFER, reason, until);
    }

    public static ContactDecision deny(String reason) {
        return new ContactDecision(Verdict.DENY, reason, null);
    }
}
