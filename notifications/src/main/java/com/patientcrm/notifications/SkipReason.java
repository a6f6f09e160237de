package com.patientcrm.notifications;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Why a notification was not sent, as a stable code for staff tools, reports and the mobile teams (the English text
 * beside it may change). The notifier writes a skipped message's reason as {@code <code>: <detail>}.
 */
public enum SkipReason {

    /** The patient's consent does not cover it (withdrawn, or never given for marketing). */
    NO_CONSENT("no-consent"),
    /** The patient switched this category off on every channel that could carry it. */
    OPTED_OUT("opted-out"),
    /** No channel could carry it: no WeChat account or credit, no app device, or a mix of refusals. */
    NO_CHANNEL("no-channel"),
    /** Quiet hours last beyond the notice's expiry, so it could only have gone out too late. */
    QUIET_HOURS_EXPIRED("quiet-hours-expired"),
    /** Its subject has passed (an appointment that started) before it could be sent. */
    EXPIRED("expired"),
    /** It no longer applies (its appointment was cancelled, the offer's hold ended, the plan ended). */
    NOT_APPLICABLE("not-applicable"),
    /** Nobody receives this patient's messages (no patient on the message, or the patient was erased). */
    NO_RECIPIENT("no-recipient");

    private final String code;

    SkipReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The reason as stored: the code, then the detail for people. */
    String because(String detail) {
        return code + ": " + detail;
    }

    /** The code a stored reason starts with, if it is one of these. */
    public static Optional<SkipReason> of(String reason) {
        if (reason == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(r -> reason.startsWith(r.code + ": ")).findFirst();
    }

    /**
     * Nothing could be delivered (the inbox was refused too, or it would have been shown): consent if every refusal
     * was for want of consent, opted out if every one was the patient's choice, otherwise no channel.
     */
    static SkipReason nothingDelivered(List<String> refusals) {
        if (!refusals.isEmpty() && refusals.stream().allMatch(r -> r.contains("consent"))) {
            return NO_CONSENT;
        }
        if (!refusals.isEmpty() && refusals.stream().allMatch(r -> r.contains("opted-out"))) {
            return OPTED_OUT;
        }
        if (!refusals.isEmpty() && refusals.stream().allMatch(r -> r.contains("no-patient"))) {
            return NO_RECIPIENT;
        }
        return NO_CHANNEL;
    }
}
