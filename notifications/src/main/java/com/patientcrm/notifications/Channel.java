package com.patientcrm.notifications;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a message reaches the patient. The wire codes are stored and sent to clients, so they never change when a
 * constant is renamed.
 */
public enum Channel {

    WECHAT("wechat"),
    APP_PUSH("app_push"),
    IN_APP("in_app");

    private final String code;

    Channel(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Unknown codes answer empty rather than throw: they come from clients and must become a 400, not a 500. */
    public static Optional<Channel> parse(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }
}
