package com.patientcrm.auth;

import java.util.Arrays;
import java.util.Optional;

/** Staff roles. A token's roles become authorities {@code ROLE_<name>} beside {@code ROLE_STAFF}. */
public enum StaffRole {
    FEEDBACK_AGENT, FEEDBACK_MANAGER, CONTENT_EDITOR, CARE_COORDINATOR, ADMIN;

    public static Optional<StaffRole> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.name().equalsIgnoreCase(value)).findFirst();
    }
}
