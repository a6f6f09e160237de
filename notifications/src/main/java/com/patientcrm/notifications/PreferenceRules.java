package com.patientcrm.notifications;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The checks every change passes before it is stored, so that the table only ever holds values the senders can
 * act on. Critical categories are checked first: a client that tries to silence one learns exactly that, whatever
 * else is wrong with its request.
 */
final class PreferenceRules {

    static final Set<String> LANGUAGES = Set.of("zh-CN", "en");
    static final Set<String> VISIT_TIMES = Set.of("any", "morning", "afternoon", "evening");
    static final int MAX_DOCTORS = 20;

    private PreferenceRules() {
    }

    /** Throws {@link PreferenceRejected} for the first thing wrong. */
    static void check(PreferenceChanges changes) {
        if (changes.optIns() != null) {
            checkOptIns(changes.optIns());
        }
        QuietHours quiet = changes.quietHours();
        if (quiet != null && (quiet.start() == null || quiet.end() == null || quiet.zone() == null)) {
            throw PreferenceRejected.invalid("quietHours", "Quiet hours need a start, an end and a time zone");
        }
        if (changes.language() != null && !LANGUAGES.contains(changes.language())) {
            throw PreferenceRejected.invalid("language", "Language must be one of " + sorted(LANGUAGES));
        }
        if (changes.visitTime() != null && !VISIT_TIMES.contains(changes.visitTime())) {
            throw PreferenceRejected.invalid("visitTime", "Visit time must be one of " + sorted(VISIT_TIMES));
        }
        if (changes.preferredDoctorIds() != null) {
            checkDoctors(changes.preferredDoctorIds());
        }
    }

    private static void checkOptIns(Map<Category, Map<Channel, Boolean>> optIns) {
        // Entry by entry: immutable maps (Map.of) throw on containsKey(null) rather than answer false.
        for (var category : optIns.entrySet()) {
            if (category.getKey() != null && category.getKey().critical() && category.getValue() != null) {
                for (var channel : category.getValue().entrySet()) {
                    if (channel.getKey() != null && Boolean.FALSE.equals(channel.getValue())) {
                        throw PreferenceRejected.critical(category.getKey(), channel.getKey());
                    }
                }
            }
        }
        for (var category : optIns.entrySet()) {
            if (category.getKey() == null || category.getValue() == null || category.getValue().entrySet().stream()
                    .anyMatch(channel -> channel.getKey() == null || channel.getValue() == null)) {
                String field = category.getKey() == null ? "optIns" : "optIns." + category.getKey().code();
                throw PreferenceRejected.invalid(field, "Each opt-in needs a category, a channel and true or false");
            }
        }
    }

    private static void checkDoctors(List<UUID> doctors) {
        if (doctors.size() > MAX_DOCTORS) {
            throw PreferenceRejected.invalid("preferredDoctorIds", "At most " + MAX_DOCTORS + " preferred doctors");
        }
        if (doctors.stream().anyMatch(Objects::isNull) || new HashSet<>(doctors).size() != doctors.size()) {
            throw PreferenceRejected.invalid("preferredDoctorIds", "Preferred doctors must be distinct doctor ids");
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
