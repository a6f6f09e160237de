package com.patientcrm.notifications;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Patients' contact settings. Only explicit choices are stored (a null column, an absent opt-in key: the default),
 * so that changing a default reaches everyone who never chose. Every change is one upsert that merges in SQL, so
 * concurrent PATCHes from two devices both survive without a read-modify-write race or a lock held across calls.
 */
@Component
public class Preferences {

    private static final TypeReference<Map<String, Boolean>> FLAGS = new TypeReference<>() {};
    /** Columns a PATCH keeps when not given (null) and a PUT resets to null (the default); opt_ins merges apart. */
    private static final List<String> CHOICES = List.of("quiet_enabled", "quiet_start", "quiet_end", "quiet_zone",
            "language", "visit_time", "preferred_doctors");
    private static final String RETURNING = "p.opt_ins::text as opt_ins, p.quiet_enabled, p.quiet_start, "
            + "p.quiet_end, p.quiet_zone, p.language, p.visit_time, p.preferred_doctors, p.updated_at";
    private static final String UPSERT = "insert into notifications.contact_preferences as p (patient_id, opt_ins, "
            + String.join(", ", CHOICES) + ") values (:patient, cast(:optIns as jsonb), :quietEnabled, :quietStart, "
            + ":quietEnd, :quietZone, :language, :visitTime, :doctors) on conflict (patient_id) do update set ";
    private static final String PATCH = UPSERT + "opt_ins = p.opt_ins || excluded.opt_ins, "
            + CHOICES.stream().map(c -> c + " = coalesce(excluded." + c + ", p." + c + ")").collect(Collectors.joining(", "))
            + ", updated_at = now() returning " + RETURNING;
    private static final String REPLACE = UPSERT + "opt_ins = excluded.opt_ins, "
            + CHOICES.stream().map(c -> c + " = excluded." + c).collect(Collectors.joining(", "))
            + ", updated_at = now() returning " + RETURNING;

    private final DatabaseClient db;
    private final JsonMapper json;

    Preferences(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** The patient's settings with defaults filled in; all defaults for a patient who never saved any. */
    public Mono<ContactPreferences> effective(UUID patientId) {
        return db.sql("select " + RETURNING + " from notifications.contact_preferences p where p.patient_id = :patient")
                .bind("patient", patientId)
                .map(this::read).one()
                .defaultIfEmpty(ContactPreferences.defaults());
    }

    /** {@link #effective} for many patients in one statement: every id asked gets an answer. */
    public Mono<Map<UUID, ContactPreferences>> effectiveAll(java.util.Collection<UUID> patientIds) {
        UUID[] ids = patientIds.stream().distinct().toArray(UUID[]::new);
        return db.sql("select p.patient_id, " + RETURNING + " from notifications.contact_preferences p "
                        + "where p.patient_id = any(cast(:patients as uuid[]))")
                .bind("patients", ids)
                .map(row -> Map.entry(row.get("patient_id", UUID.class), read(row)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(stored -> {
                    Map<UUID, ContactPreferences> all = new java.util.HashMap<>(stored);
                    for (UUID id : ids) {
                        all.putIfAbsent(id, ContactPreferences.defaults());
                    }
                    return all;
                });
    }

    /**
     * Saves the changes and answers the resulting effective settings. {@code replace} (PUT) resets whatever is not
     * given to its default; otherwise (PATCH) only what is given changes, opt-ins per category and channel. Errors
     * with {@link PreferenceRejected}, storing nothing, if any part is not allowed.
     */
    public Mono<ContactPreferences> update(UUID patientId, PreferenceChanges changes, boolean replace) {
        PreferenceChanges given = changes == null ? PreferenceChanges.none() : changes;
        return Mono.defer(() -> {
            PreferenceRules.check(given);
            QuietHours quiet = given.quietHours();
            List<UUID> doctors = given.preferredDoctorIds();
            return db.sql(replace ? REPLACE : PATCH)
                    .bind("patient", patientId)
                    .bind("optIns", json.writeValueAsString(flatten(given.optIns())))
                    .bind("quietEnabled", Parameter.fromOrEmpty(quiet == null ? null : quiet.enabled(), Boolean.class))
                    .bind("quietStart", Parameter.fromOrEmpty(quiet == null ? null : quiet.start(), LocalTime.class))
                    .bind("quietEnd", Parameter.fromOrEmpty(quiet == null ? null : quiet.end(), LocalTime.class))
                    .bind("quietZone", Parameter.fromOrEmpty(quiet == null ? null : quiet.zone().getId(), String.class))
                    .bind("language", Parameter.fromOrEmpty(given.language(), String.class))
                    .bind("visitTime", Parameter.fromOrEmpty(given.visitTime(), String.class))
                    .bind("doctors", Parameter.fromOrEmpty(doctors == null ? null : doctors.toArray(UUID[]::new),
                            UUID[].class))
                    .map(this::read).one();
        });
    }

    /** Forgets the patient's choices (data erasure); what remains for the patient id is the defaults. */
    public Mono<Void> erase(UUID patientId) {
        return db.sql("delete from notifications.contact_preferences where patient_id = :patient")
                .bind("patient", patientId)
                .then();
    }

    /**
     * The stored form: one {@code "category.channel"} key per explicit choice, so that jsonb {@code ||} merges a
     * PATCH per channel. Critical categories are left out: they are always on, so there is nothing to choose.
     */
    private static Map<String, Boolean> flatten(Map<Category, Map<Channel, Boolean>> optIns) {
        Map<String, Boolean> flat = new TreeMap<>();
        if (optIns != null) {
            optIns.forEach((category, channels) -> channels.forEach((channel, on) -> {
                if (!category.critical()) {
                    flat.put(category.code() + "." + channel.code(), on);
                }
            }));
        }
        return flat;
    }

    private ContactPreferences read(Readable row) {
        Map<String, Boolean> stored = json.readValue(row.get("opt_ins", String.class), FLAGS);
        Map<Category, Map<Channel, Boolean>> optIns = ContactPreferences.defaultOptIns();
        optIns.forEach((category, channels) -> channels.replaceAll((channel, fallback) -> category.critical()
                || stored.getOrDefault(category.code() + "." + channel.code(), fallback)));
        String zone = row.get("quiet_zone", String.class);
        QuietHours quiet = zone == null ? QuietHours.DEFAULT : new QuietHours(row.get("quiet_enabled", Boolean.class),
                row.get("quiet_start", LocalTime.class), row.get("quiet_end", LocalTime.class), ZoneId.of(zone));
        UUID[] doctors = row.get("preferred_doctors", UUID[].class);
        return new ContactPreferences(optIns, quiet,
                orDefault(row.get("language", String.class), ContactPreferences.DEFAULT_LANGUAGE),
                orDefault(row.get("visit_time", String.class), ContactPreferences.DEFAULT_VISIT_TIME),
                doctors == null ? List.of() : List.of(doctors), row.get("updated_at", Instant.class));
    }

    private static String orDefault(String stored, String fallback) {
        return stored == null ? fallback : stored;
    }
}
