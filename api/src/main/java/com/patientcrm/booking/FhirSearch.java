package com.patientcrm.booking;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.patientcrm.privacy.AuditLog;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * FHIR searches: {@code Slot?schedule=&start=&status=} and {@code Appointment?patient=&_lastUpdated=}, as searchset
 * Bundles paged by an opaque {@code _cursor} in the next link. Search parameters we do not support are ignored, as
 * FHIR's lenient handling allows; a malformed value of one we do support is a 400.
 */
@Component
class FhirSearch {

    private static final int DEFAULT_COUNT = 100;
    private static final int MAX_COUNT = 1000;

    private final DatabaseClient db;
    private final AuditLog audit;

    FhirSearch(DatabaseClient db, AuditLog audit) {
        this.audit = audit;
        this.db = db;
    }

    /** A page of rows plus whatever the next page starts after. */
    private record Page(List<Resource> resources, String next) {}

    Mono<Bundle> slots(MultiValueMap<String, String> params, UriComponentsBuilder self) {
        String schedule = params.getFirst("schedule");
        if (schedule == null || schedule.isBlank()) {
            throw FhirProblem.invalid("schedule is required (Schedule/{id}): a Slot search covers one doctor's schedule");
        }
        String id = schedule.startsWith("Schedule/") ? schedule.substring("Schedule/".length()) : schedule;
        int count = count(params);
        StringBuilder where = new StringBuilder();
        List<Object> binds = new ArrayList<>();
        for (String start : params.getOrDefault("start", List.of())) {
            startCondition(start, where, binds);
        }
        String statuses = params.containsKey("status") ? String.join(",", params.get("status")) : null;
        if (statuses != null) {
            List<String> any = new ArrayList<>();
            for (String status : statuses.split(",")) {
                any.add(switch (status.trim()) {
                    case "free" -> "(s.status = 'open' and s.booked < s.capacity)";
                    case "busy" -> "(s.status = 'open' and s.booked >= s.capacity)";
                    case "busy-unavailable" -> "s.status = 'blocked'";
                    default -> throw FhirProblem.invalid("status must be free, busy or busy-unavailable");
                });
            }
            where.append(" and (").append(String.join(" or ", any)).append(')');
        }
        String[] after = cursor(params.getFirst("_cursor"));
        String sql = "select s.id, s.external_id, s.doctor_id, s.starts_at, s.ends_at, s.time_zone, s.capacity, s.booked, "
                + "s.status, s.visit_type, s.updated_at from app.slots s where s.doctor_id = (select coalesce("
                + "(select doctor_id from app.fhir_schedules where fhir_id = :schedule), "
                + "(select id from app.doctors where id::text = :schedule)))" + where
                + (after == null ? "" : " and (s.starts_at, s.id) > (cast(:afterAt as timestamptz), cast(:afterId as uuid))")
                + " order by s.starts_at, s.id limit :limit";
        DatabaseClient.GenericExecuteSpec spec = bind(db.sql(sql).bind("schedule", id).bind("limit", count + 1), binds, after);
        return spec.map(row -> Map.entry(row.get("starts_at", OffsetDateTime.class).toString() + "|" + row.get("id", UUID.class),
                        (Resource) FhirMapping.slot(row.get("id", UUID.class), row.get("external_id", String.class),
                                row.get("doctor_id", UUID.class), row.get("starts_at", OffsetDateTime.class),
                                row.get("ends_at", OffsetDateTime.class), ZoneId.of(row.get("time_zone", String.class)),
                                row.get("capacity", Integer.class), row.get("booked", Integer.class),
                                row.get("status", String.class), row.get("visit_type", String.class),
                                row.get("updated_at", OffsetDateTime.class))))
                .all().collectList()
                .map(rows -> searchset(page(rows, count), self, "Slot"));
    }

    Mono<Bundle> appointments(MultiValueMap<String, String> params, UriComponentsBuilder self) {
        String patient = params.getFirst("patient");
        List<String> updated = params.getOrDefault("_lastUpdated", List.of());
        if ((patient == null || patient.isBlank()) && updated.isEmpty()) {
            throw FhirProblem.invalid("give patient (Patient/{id}) or _lastUpdated (e.g. gt2026-11-20T00:00:00Z)");
        }
        StringBuilder where = new StringBuilder();
        List<Object> binds = new ArrayList<>();
        if (patient != null && !patient.isBlank()) {
            String id = patient.startsWith("Patient/") ? patient.substring("Patient/".length()) : patient;
            try {
                binds.add(UUID.fromString(id));
            } catch (IllegalArgumentException notAnId) {
                throw FhirProblem.invalid("patient must be Patient/{id} with one of our patient ids");
            }
            where.append(" and a.patient_id = :p").append(binds.size() - 1);
        }
        for (String value : updated) {
            lastUpdatedCondition(value, where, binds);
        }
        int count = count(params);
        String[] after = cursor(params.getFirst("_cursor"));
        String sql = "select a.id, a.status, a.slot_id, a.doctor_id, a.patient_id, a.created_at, a.updated_at, "
                + "s.starts_at, s.ends_at, s.time_zone from app.appointments a join app.slots s on s.id = a.slot_id "
                + "where true" + where
                + (after == null ? "" : " and (a.updated_at, a.id) > (cast(:afterAt as timestamptz), cast(:afterId as uuid))")
                + " order by a.updated_at, a.id limit :limit";
        DatabaseClient.GenericExecuteSpec spec = bind(db.sql(sql).bind("limit", count + 1), binds, after);
        return spec.map(row -> Map.entry(row.get("updated_at", OffsetDateTime.class).toString() + "|" + row.get("id", UUID.class),
                        (Resource) FhirMapping.appointment(row.get("id", UUID.class), row.get("status", String.class),
                                row.get("slot_id", UUID.class), row.get("doctor_id", UUID.class),
                                row.get("patient_id", UUID.class), row.get("starts_at", OffsetDateTime.class),
                                row.get("ends_at", OffsetDateTime.class), ZoneId.of(row.get("time_zone", String.class)),
                                row.get("created_at", OffsetDateTime.class), row.get("updated_at", OffsetDateTime.class))))
                .all().collectList()
                .map(rows -> searchset(page(rows, count), self, "Appointment"))
                .flatMap(bundle -> audit.readAll("appointment", patientsIn(bundle)).thenReturn(bundle));
    }

    /** The patients whose appointments a searchset carries: each gets an audit row for the read. */
    private static List<UUID> patientsIn(Bundle bundle) {
        List<UUID> patients = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof org.hl7.fhir.r4.model.Appointment appointment) {
                for (var participant : appointment.getParticipant()) {
                    String reference = participant.getActor().getReference();
                    if (reference != null && reference.startsWith("Patient/")) {
                        patients.add(UUID.fromString(reference.substring("Patient/".length())));
                    }
                }
            }
        }
        return patients;
    }

    /**
     * A FHIR date search value (R4 search, "date"): a prefix, then a date (YYYY, YYYY-MM or YYYY-MM-DD) or a
     * date-time with offset (minutes, seconds or a fraction of them), which stands for the range its precision
     * covers, {@code [from, to)}: {@code 2026-12} is all of December, {@code 2026-12-01T08:00+08:00} the whole minute,
     * {@code ...08:00:00.123Z} that millisecond. Dates are {@link LocalDate}s, date-times {@link OffsetDateTime}s.
     * Parsed here rather than with HAPI's {@code DateParam}, which reads a date in the JVM's own time zone.
     */
    record DateSearch(String prefix, Object from, Object to) {

        static DateSearch parse(String value, String name) {
            String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
            String raw = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(2) : value;
            if (!List.of("eq", "ne", "gt", "ge", "lt", "le", "sa", "eb").contains(prefix)) {
                throw FhirProblem.invalid(name + ": the prefix must be eq, ne, gt, ge, lt, le, sa or eb"
                        + ("ap".equals(prefix) ? " (ap, approximately, is not supported)" : ""));
            }
            try {
                return switch (raw.length()) {
                    case 4 -> {
                        LocalDate year = java.time.Year.parse(raw).atDay(1);
                        yield new DateSearch(prefix, year, year.plusYears(1));
                    }
                    case 7 -> {
                        LocalDate month = java.time.YearMonth.parse(raw).atDay(1);
                        yield new DateSearch(prefix, month, month.plusMonths(1));
                    }
                    case 10 -> {
                        LocalDate day = LocalDate.parse(raw);
                        yield new DateSearch(prefix, day, day.plusDays(1));
                    }
                    default -> {
                        OffsetDateTime at = OffsetDateTime.parse(raw);
                        yield new DateSearch(prefix, at, at.plus(precision(raw)));
                    }
                };
            } catch (DateTimeParseException malformed) {
                throw FhirProblem.invalid(name + " must be a date (2026, 2026-12, 2026-12-01) or a date-time with offset "
                        + "(2026-12-01T08:00:00+08:00), after an optional prefix");
            }
        }

        /** The unit a date-time's digits end at: its minute, its second, or the last digit of its fraction. */
        private static java.time.Duration precision(String raw) {
            String time = raw.substring(raw.indexOf('T') + 1).split("[Z+-]", 2)[0];
            if (time.length() == 5) {
                return java.time.Duration.ofMinutes(1);
            }
            int digits = time.contains(".") ? time.length() - time.indexOf('.') - 1 : 0;
            return java.time.Duration.ofNanos((long) Math.pow(10, 9 - Math.min(digits, 9)));
        }

        /**
         * The SQL condition on {@code column} for a value {@code t} that is a point in time (or a day): {@code eq}
         * within the range, {@code ne} outside it, {@code gt} and {@code sa} after it, {@code ge} from its start,
         * {@code lt} and {@code eb} before it, {@code le} before its end.
         */
        void appendTo(StringBuilder where, List<Object> binds, String column, Object from, Object to) {
            where.append(" and ").append(switch (prefix) {
                case "eq" -> column + " >= " + param(binds, from) + " and " + column + " < " + param(binds, to);
                case "ne" -> "(" + column + " < " + param(binds, from) + " or " + column + " >= " + param(binds, to) + ")";
                case "gt", "sa" -> column + " >= " + param(binds, to);
                case "ge" -> column + " >= " + param(binds, from);
                case "lt", "eb" -> column + " < " + param(binds, from);
                default -> column + " < " + param(binds, to);
            });
        }

        private static String param(List<Object> binds, Object value) {
            binds.add(value);
            return ":p" + (binds.size() - 1);
        }
    }

    /** Dates stand for whole UTC days, as in FHIR; date-times for the range their precision covers. */
    private static void lastUpdatedCondition(String value, StringBuilder where, List<Object> binds) {
        DateSearch search = DateSearch.parse(value, "_lastUpdated");
        search.appendTo(where, binds, "a.updated_at", utc(search.from()), utc(search.to()));
    }

    private static Object utc(Object bound) {
        return bound instanceof LocalDate day ? day.atStartOfDay().atOffset(ZoneOffset.UTC) : bound;
    }

    /** Dates compare with the slot's local date (in its own zone); date-times with its start instant. */
    private static void startCondition(String value, StringBuilder where, List<Object> binds) {
        DateSearch search = DateSearch.parse(value, "start");
        search.appendTo(where, binds, search.from() instanceof LocalDate ? "s.local_date" : "s.starts_at",
                search.from(), search.to());
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, List<Object> binds,
                                                          String[] after) {
        for (int i = 0; i < binds.size(); i++) {
            spec = spec.bind("p" + i, binds.get(i));
        }
        return after == null ? spec : spec.bind("afterAt", OffsetDateTime.parse(after[0])).bind("afterId", UUID.fromString(after[1]));
    }

    private static int count(MultiValueMap<String, String> params) {
        String raw = params.getFirst("_count");
        if (raw == null) {
            return DEFAULT_COUNT;
        }
        try {
            int count = Integer.parseInt(raw);
            if (count >= 1 && count <= MAX_COUNT) {
                return count;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw FhirProblem.invalid("_count must be between 1 and " + MAX_COUNT);
    }

    private static Page page(List<Map.Entry<String, Resource>> rows, int count) {
        List<Resource> resources = rows.stream().limit(count).map(Map.Entry::getValue).toList();
        String next = rows.size() > count ? Base64.getUrlEncoder().withoutPadding()
                .encodeToString(rows.get(count - 1).getKey().getBytes(StandardCharsets.UTF_8)) : null;
        return new Page(resources, next);
    }

    private static String[] cursor(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8).split("\\|");
            OffsetDateTime.parse(parts[0]);
            UUID.fromString(parts[1]);
            return parts;
        } catch (RuntimeException malformed) {
            throw FhirProblem.invalid("_cursor is not one this server gave out");
        }
    }

    private static Bundle searchset(Page page, UriComponentsBuilder self, String type) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        String base = self.cloneBuilder().replacePath("/fhir/r4").replaceQuery(null).build().toUriString();
        bundle.addLink().setRelation("self").setUrl(self.build().toUriString());
        if (page.next() != null) {
            bundle.addLink().setRelation("next").setUrl(self.cloneBuilder().replaceQueryParam("_cursor", page.next())
                    .build().toUriString());
        }
        for (Resource resource : page.resources()) {
            bundle.addEntry().setFullUrl(base + "/" + type + "/" + resource.getIdElement().getIdPart())
                    .setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }
}
