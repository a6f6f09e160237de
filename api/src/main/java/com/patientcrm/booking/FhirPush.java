package com.patientcrm.booking;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A FHIR transaction or batch Bundle of Schedules and Slots, mapped onto the same tables as the hospital's JSON push.
 * A Schedule is one doctor's calendar: {@code actor} names the doctor by the hospital's id; its zone comes from the
 * standard timezone extension or the department. A Slot references a Schedule in the Bundle or one pushed before;
 * its hospital id is its first identifier (or its id); capacity and fee come from our extensions (default 1 and 0).
 * The hospital's {@code meta.lastUpdated} (or a numeric {@code meta.versionId}) is the version: only newer wins.
 * A transaction is all or nothing; a batch stores every valid entry and reports the others.
 */
@Component
class FhirPush {

    static final String TIMEZONE = "http://hl7.org/fhir/StructureDefinition/timezone";
    static final String CAPACITY = "urn:patientcrm:fhir:slot-capacity";
    static final String FEE_CENTS = "urn:patientcrm:fhir:slot-fee-cents";
    static final int MAX_ENTRIES = 10_000;

    private final DatabaseClient db;
    private final SlotStore slots;
    private final TransactionalOperator tx;

    FhirPush(DatabaseClient db, SlotStore slots, TransactionalOperator tx) {
        this.db = db;
        this.slots = slots;
        this.tx = tx;
    }

    record ScheduleItem(int index, String key, String doctorExternalId, String zone, boolean active, long version) {}

    record SlotItem(int index, Slot slot) {}

    /** Where a schedule reference leads: the doctor (by the hospital's id) and the zone of its slots. */
    record Target(String doctorExternalId, String zone) {}

    Mono<Bundle> push(Bundle bundle) {
        boolean transaction = bundle.getType() == Bundle.BundleType.TRANSACTION;
        if (!transaction && bundle.getType() != Bundle.BundleType.BATCH) {
            throw FhirProblem.invalid("Bundle.type must be transaction or batch");
        }
        if (bundle.getEntry().size() > MAX_ENTRIES) {
            throw FhirProblem.invalid("A Bundle carries at most " + MAX_ENTRIES + " entries");
        }
        Map<Integer, String> errors = new HashMap<>();
        List<ScheduleItem> schedules = new ArrayList<>();
        List<SlotItem> slotItems = new ArrayList<>();
        Map<String, ScheduleItem> aliases = new HashMap<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            classify(i, bundle.getEntry().get(i), errors, schedules, slotItems, aliases);
        }
        return targets(schedules, slotItems, aliases).flatMap(targets -> {
            Map<Integer, BookingDtos.SlotUpsert> upserts = new LinkedHashMap<>();
            for (ScheduleItem schedule : schedules) {
                if (!targets.containsKey("doctor:" + schedule.doctorExternalId())) {
                    errors.put(schedule.index(), "unknown doctor '" + schedule.doctorExternalId() + "' in Schedule.actor");
                }
            }
            for (SlotItem item : slotItems) {
                try {
                    upserts.put(item.index(), FhirMapping.slot(item.slot(), resolve(item.slot(), aliases, targets)));
                } catch (IllegalArgumentException invalid) {
                    errors.put(item.index(), invalid.getMessage());
                }
            }
            if (transaction && !errors.isEmpty()) {
                throw FhirProblem.invalid(errors.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> "entry[" + e.getKey() + "]: " + e.getValue()).toList().toArray(String[]::new));
            }
            List<ScheduleItem> validSchedules = schedules.stream().filter(s -> !errors.containsKey(s.index())).toList();
            Mono<Bundle> store = storeSchedules(validSchedules)
                    .flatMap(scheduleIds -> slots.upsert(List.copyOf(upserts.values()))
                            .map(result -> answer(bundle, transaction, errors, scheduleIds, upserts, result)));
            // In a transaction, one failed statement aborts the rest in PostgreSQL: whatever the database refused
            // rolls the whole Bundle back, answered as a 422 rather than as a server error.
            return transaction ? store.as(tx::transactional).onErrorMap(
                    e -> e instanceof org.springframework.dao.DataAccessException || e instanceof io.r2dbc.spi.R2dbcException,
                    e -> FhirProblem.of(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcome.IssueType.BUSINESSRULE,
                            "The transaction was rolled back: an entry broke a rule the database enforces (such as a "
                                    + "capacity below what is already booked); nothing was stored")) : store;
        });
    }

    private void classify(int i, Bundle.BundleEntryComponent entry, Map<Integer, String> errors,
                          List<ScheduleItem> schedules, List<SlotItem> slotItems, Map<String, ScheduleItem> aliases) {
        Resource resource = entry.getResource();
        if (entry.hasRequest() && entry.getRequest().getMethod() != Bundle.HTTPVerb.PUT
                && entry.getRequest().getMethod() != Bundle.HTTPVerb.POST) {
            errors.put(i, "only PUT and POST entries are accepted");
        } else if (resource instanceof Schedule schedule) {
            try {
                ScheduleItem item = FhirMapping.schedule(i, schedule, entry);
                schedules.add(item);
                aliases.put(item.key(), item);
                aliases.put("Schedule/" + item.key(), item);
                if (entry.hasFullUrl()) {
                    aliases.put(entry.getFullUrl(), item);
                }
            } catch (IllegalArgumentException invalid) {
                errors.put(i, invalid.getMessage());
            }
        } else if (resource instanceof Slot slot) {
            slotItems.add(new SlotItem(i, slot));
        } else {
            errors.put(i, "only Schedule and Slot resources are accepted here");
        }
    }

    /**
     * Looks up, in one query each, the doctors the Bundle's Schedules name (with their department's zone) and the
     * stored Schedules its Slots reference. Keys: {@code doctor:<external id>} and {@code ref:<schedule id>}.
     */
    private Mono<Map<String, Target>> targets(List<ScheduleItem> schedules, List<SlotItem> slotItems,
                                              Map<String, ScheduleItem> aliases) {
        String[] doctors = schedules.stream().map(ScheduleItem::doctorExternalId).distinct().toArray(String[]::new);
        String[] refs = slotItems.stream().map(item -> item.slot().getSchedule().getReference())
                .filter(ref -> ref != null && !aliases.containsKey(ref))
                .map(ref -> ref.startsWith("Schedule/") ? ref.substring("Schedule/".length()) : ref)
                .distinct().toArray(String[]::new);
        Flux<Map.Entry<String, Target>> named = db.sql("select d.external_id, dep.time_zone from app.doctors d "
                        + "join app.departments dep on dep.id = d.department_id where d.external_id = any(:ids)")
                .bind("ids", doctors)
                .map(row -> Map.entry("doctor:" + row.get("external_id", String.class),
                        new Target(row.get("external_id", String.class), row.get("time_zone", String.class))))
                .all();
        Flux<Map.Entry<String, Target>> stored = db.sql("select f.fhir_id as ref, d.external_id, "
                        + "coalesce(f.time_zone, dep.time_zone) as zone from app.fhir_schedules f "
                        + "join app.doctors d on d.id = f.doctor_id join app.departments dep on dep.id = d.department_id "
                        + "where f.fhir_id = any(:refs) and f.active union all "
                        + "select d.id::text, d.external_id, dep.time_zone from app.doctors d "
                        + "join app.departments dep on dep.id = d.department_id where d.id::text = any(:refs)")
                .bind("refs", refs)
                .map(row -> Map.entry("ref:" + row.get("ref", String.class),
                        new Target(row.get("external_id", String.class), row.get("zone", String.class))))
                .all();
        return named.concatWith(stored).collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new);
    }

    private static Target resolve(Slot slot, Map<String, ScheduleItem> aliases, Map<String, Target> targets) {
        String ref = slot.getSchedule().getReference();
        if (ref == null) {
            throw new IllegalArgumentException("Slot.schedule must reference a Schedule");
        }
        ScheduleItem inBundle = aliases.get(ref);
        if (inBundle != null) {
            Target doctor = targets.get("doctor:" + inBundle.doctorExternalId());
            if (doctor == null) {
                throw new IllegalArgumentException("its Schedule names an unknown doctor");
            }
            return new Target(doctor.doctorExternalId(), inBundle.zone() != null ? inBundle.zone() : doctor.zone());
        }
        Target stored = targets.get("ref:" + (ref.startsWith("Schedule/") ? ref.substring("Schedule/".length()) : ref));
        if (stored == null) {
            throw new IllegalArgumentException("Slot.schedule '" + ref + "' is neither in this Bundle nor known");
        }
        return stored;
    }

    /** Stores the Schedules (newer versions win); answers each entry index's doctor id. */
    private Mono<Map<Integer, UUID>> storeSchedules(List<ScheduleItem> schedules) {
        return Flux.fromIterable(schedules)
                .concatMap(item -> db.sql("insert into app.fhir_schedules (fhir_id, doctor_id, time_zone, active, "
                                + "source_version) select :id, d.id, :zone, :active, :version from app.doctors d "
                                + "where d.external_id = :doctor on conflict (fhir_id) do update set doctor_id = "
                                + "excluded.doctor_id, time_zone = excluded.time_zone, active = excluded.active, "
                                + "source_version = excluded.source_version, updated_at = now() "
                                + "where app.fhir_schedules.source_version < excluded.source_version")
                        .bind("id", item.key()).bind("zone", Parameter.fromOrEmpty(item.zone(), String.class))
                        .bind("active", item.active()).bind("version", item.version()).bind("doctor", item.doctorExternalId())
                        .then().then(db.sql("select id from app.doctors where external_id = :doctor").bind("doctor", item.doctorExternalId())
                                .map(row -> Map.entry(item.index(), row.get("id", UUID.class))).one()))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private static Bundle answer(Bundle request, boolean transaction, Map<Integer, String> errors,
                                 Map<Integer, UUID> scheduleIds, Map<Integer, BookingDtos.SlotUpsert> upserts,
                                 BookingDtos.SlotBatchResult result) {
        Map<Integer, BookingDtos.SlotResult> slotResults = new HashMap<>();
        List<Integer> slotIndexes = List.copyOf(upserts.keySet());
        for (int k = 0; k < slotIndexes.size(); k++) {
            slotResults.put(slotIndexes.get(k), result.items().get(k));
        }
        List<String> rejected = slotResults.entrySet().stream().filter(e -> "rejected".equals(e.getValue().outcome()))
                .map(e -> "entry[" + e.getKey() + "]: " + e.getValue().error()).sorted().toList();
        if (transaction && !rejected.isEmpty()) {
            throw FhirProblem.of(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcome.IssueType.BUSINESSRULE, rejected);
        }
        Bundle answer = new Bundle().setType(transaction ? Bundle.BundleType.TRANSACTIONRESPONSE : Bundle.BundleType.BATCHRESPONSE);
        for (int i = 0; i < request.getEntry().size(); i++) {
            Bundle.BundleEntryResponseComponent response = answer.addEntry().getResponse();
            BookingDtos.SlotResult slot = slotResults.get(i);
            if (errors.containsKey(i)) {
                response.setStatus("400 Bad Request").setOutcome(outcome(OperationOutcome.IssueSeverity.ERROR,
                        OperationOutcome.IssueType.INVALID, errors.get(i)));
            } else if (scheduleIds.containsKey(i)) {
                response.setStatus("200 OK").setLocation("Schedule/" + scheduleIds.get(i));
            } else if (slot != null && "stored".equals(slot.outcome())) {
                response.setStatus("200 OK").setLocation("Slot/" + slot.id());
            } else if (slot != null && "stale".equals(slot.outcome())) {
                response.setStatus("200 OK").setOutcome(outcome(OperationOutcome.IssueSeverity.INFORMATION,
                        OperationOutcome.IssueType.INFORMATIONAL, "not applied: an equal or newer version is stored"));
            } else {
                response.setStatus("422 Unprocessable Entity").setOutcome(outcome(OperationOutcome.IssueSeverity.ERROR,
                        OperationOutcome.IssueType.BUSINESSRULE, slot == null ? "not stored" : slot.error()));
            }
        }
        return answer;
    }

    private static OperationOutcome outcome(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type,
                                            String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue(FhirProblem.issue(severity, type, message));
        return outcome;
    }

    static String zone(Extension extension) {
        if (extension == null) {
            return null;
        }
        try {
            return ZoneId.of(extension.getValue().primitiveValue()).getId();
        } catch (DateTimeException | NullPointerException invalid) {
            throw new IllegalArgumentException("the timezone extension must hold an IANA zone such as Asia/Shanghai");
        }
    }

    static int integer(Extension extension, int fallback, int min, int max, String what) {
        if (extension == null) {
            return fallback;
        }
        if (!(extension.getValue() instanceof IntegerType value) || value.getValue() == null
                || value.getValue() < min || value.getValue() > max) {
            throw new IllegalArgumentException(what + " must be a valueInteger between " + min + " and " + max);
        }
        return value.getValue();
    }
}
