package com.patientcrm.notifications;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a message is about, as the patient chooses what to receive. The wire codes are stored and sent to clients,
 * so they never change when a constant is renamed. A critical category carries changes the patient must know about
 * to keep an appointment safely, so it cannot be switched off; marketing needs the patient's explicit opt-in.
 */
public enum Category {

    APPOINTMENT_REMINDER("appointment_reminder", false),
    APPOINTMENT_CHANGE("appointment_change", true),
    FOLLOW_UP("follow_up", false),
    REPORT_READY("report_ready", false),
    SURVEY("survey", false),
    HEALTH_EDUCATION("health_education", false),
    /** The hospital's answer to the patient's own feedback or complaint. */
    FEEDBACK_REPLY("feedback_reply", false),
    MARKETING("marketing", false);

    private final String code;
    private final boolean critical;

    Category(String code, boolean critical) {
        this.code = code;
        this.critical = critical;
    }

    public String code() {
        return code;
    }

    public boolean critical() {
        return critical;
    }

    /** Marketing is consent-based (opt-in); everything else serves care the patient asked for (opt-out). */
    public boolean defaultOptIn() {
        return this != MARKETING;
    }

    /** Unknown codes answer empty rather than throw: they come from clients and must become a 400, not a 500. */
    public static Optional<Category> parse(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }
}
