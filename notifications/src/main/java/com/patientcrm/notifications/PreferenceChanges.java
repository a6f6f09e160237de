package com.patientcrm.notifications;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a client sent to change contact settings. Every part is nullable and null means "not given": a PATCH then
 * keeps the stored value, a PUT falls back to the default. Given opt-ins may name only some categories and channels;
 * a PATCH merges them per category and channel.
 */
public record PreferenceChanges(Map<Category, Map<Channel, Boolean>> optIns, QuietHours quietHours, String language,
                                String visitTime, List<UUID> preferredDoctorIds) {

    /** Nothing given: as a PUT, back to all defaults. */
    public static PreferenceChanges none() {
        return new PreferenceChanges(null, null, null, null, null);
    }
}
