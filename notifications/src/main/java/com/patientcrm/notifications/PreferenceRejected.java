package com.patientcrm.notifications;

/**
 * Contact settings that were not saved, and why. The field and reason are stable so that the HTTP layer can map
 * them to a problem response without parsing the message; the message names only codes, never personal data, so it
 * can be shown to the patient and logged.
 *
 * @see #field() a JSON-pointer-ish name such as {@code optIns.appointment_change.wechat} or {@code language}
 * @see #reason() {@code critical-category} or {@code invalid-value}
 */
public class PreferenceRejected extends RuntimeException {

    public static final String CRITICAL_CATEGORY = "critical-category";
    public static final String INVALID_VALUE = "invalid-value";

    private final String field;
    private final String reason;

    private PreferenceRejected(String field, String reason, String message) {
        super(message);
        this.field = field;
        this.reason = reason;
    }

    public static PreferenceRejected critical(Category category, Channel channel) {
        return new PreferenceRejected("optIns." + category.code() + "." + channel.code(), CRITICAL_CATEGORY,
                "Messages of category " + category.code() + " cannot be switched off");
    }

    public static PreferenceRejected invalid(String field, String message) {
        return new PreferenceRejected(field, INVALID_VALUE, message);
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
