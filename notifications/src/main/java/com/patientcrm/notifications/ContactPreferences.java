package com.patientcrm.notifications;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A patient's effective contact settings: what was chosen, with defaults filled in for what was not, so that
 * senders never need to know the defaults. {@code optIns} always holds every category and channel, in declaration
 * order (stable JSON for clients).
 *
 * @param language           {@code zh-CN} or {@code en}
 * @param visitTime          {@code any}, {@code morning}, {@code afternoon} or {@code evening}
 * @param preferredDoctorIds at most 20, distinct, in the patient's order
 * @param updatedAt          when last saved; null when the patient never saved any
 */
public record ContactPreferences(Map<Category, Map<Channel, Boolean>> optIns, QuietHours quietHours, String language,
                                 String visitTime, List<UUID> preferredDoctorIds, Instant updatedAt) {

    public static final String DEFAULT_LANGUAGE = "zh-CN";
    public static final String DEFAULT_VISIT_TIME = "any";

    public ContactPreferences {
        EnumMap<Category, Map<Channel, Boolean>> copy = new EnumMap<>(Category.class);
        optIns.forEach((category, channels) -> copy.put(category, Collections.unmodifiableMap(new EnumMap<>(channels))));
        optIns = Collections.unmodifiableMap(copy);
        preferredDoctorIds = List.copyOf(preferredDoctorIds);
    }

    /** The settings of a patient who never chose any. */
    public static ContactPreferences defaults() {
        return new ContactPreferences(defaultOptIns(), QuietHours.DEFAULT, DEFAULT_LANGUAGE, DEFAULT_VISIT_TIME,
                List.of(), null);
    }

    /** A critical category answers true whatever is stored: no stored row can silence it. */
    public boolean optedIn(Category category, Channel channel) {
        return category.critical() || optIns.get(category).get(channel);
    }

    static Map<Category, Map<Channel, Boolean>> defaultOptIns() {
        Map<Category, Map<Channel, Boolean>> all = new EnumMap<>(Category.class);
        for (Category category : Category.values()) {
            Map<Channel, Boolean> channels = new EnumMap<>(Channel.class);
            for (Channel channel : Channel.values()) {
                channels.put(channel, category.defaultOptIn());
            }
            all.put(category, channels);
        }
        return all;
    }
}
