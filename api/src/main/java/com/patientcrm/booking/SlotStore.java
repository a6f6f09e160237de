package com.patientcrm.booking;

import com.patientcrm.platform.Problems;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Slots: batch upserts from the hospital (each item on its own, so one bad item never costs the others) and the
 * patient-facing search, which shows only open slots within each department's notice and horizon.
 */
@Service
class SlotStore {

    private static final int MAX_SEARCH_DAYS = 31;

    private final DatabaseClient db;
    private final Catalog catalog;
    private final Waitlist waitlist;
    private final org.springframework.transaction.reactive.TransactionalOperator tx;

    SlotStore(DatabaseClient db, Catalog catalog, Waitlist waitlist,
              org.springframework.transaction.reactive.TransactionalOperator tx) {
        this.db = db;
        this.catalog = catalog;
        this.waitlist = waitlist;
        this.tx = tx;
    }

    Mono<BookingDtos.SlotBatchResult> upsert(List<BookingDtos.SlotUpsert> items) {
        List<String> doctorIds = items.stream().map(BookingDtos.SlotUpsert::doctorExternalId).distinct().toList();
        return db.sql("select id, external_id from app.doctors where external_id = any(:ids)")
                .bind("ids", doctorIds.toArray(String[]::new))
                .map(row -> Map.entry(row.get("external_id", String.class), row.get("id", UUID.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .flatMap(doctors -> Flux.fromIterable(items).flatMapSequential(item -> upsertOne(item, doctors), 8)
                        .collectList()
                        .flatMap(results -> offerNewPlaces(items, doctors, results).thenReturn(results)))
                .map(results -> {
                    Map<String, Long> counts = results.stream()
                            .collect(Collectors.groupingBy(BookingDtos.SlotResult::outcome, Collectors.counting()));
                    return new BookingDtos.SlotBatchResult(counts.getOrDefault("stored", 0L).intValue(),
                            counts.getOrDefault("stale", 0L).intValue(), counts.getOrDefault("rejected", 0L).intValue(),
                            results);
                });
    }

    /**
     * Places the push added (new slots, more capacity) go to the people waiting for those doctor-days first, each
     * doctor-day in a transaction of its own; one query finds which stored doctor-days have anyone waiting.
     */
    private Mono<Void> offerNewPlaces(List<BookingDtos.SlotUpsert> items, Map<String, UUID> doctors,
                                      List<BookingDtos.SlotResult> results) {
        java.util.Set<Map.Entry<UUID, LocalDate>> stored = new java.util.HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            if ("stored".equals(results.get(i).outcome())) {
                stored.add(Map.entry(doctors.get(items.get(i).doctorExternalId()), items.get(i).start().toLocalDate()));
            }
        }
        if (stored.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("select distinct doctor_id, local_date from app.waitlist_entries where status = 'WAITING' "
                        + "and doctor_id = any(:doctors) and local_date = any(:days)")
                .bind("doctors", stored.stream().map(Map.Entry::getKey).distinct().toArray(UUID[]::new))
                .bind("days", stored.stream().map(Map.Entry::getValue).distinct().toArray(LocalDate[]::new))
                .map(row -> Map.entry(row.get("doctor_id", UUID.class), row.get("local_date", LocalDate.class)))
                .all()
                .filter(stored::contains)
                .concatMap(day -> waitlist.offer(day.getKey(), day.getValue()).as(tx::transactional))
                .then();
    }

    private Mono<BookingDtos.SlotResult> upsertOne(BookingDtos.SlotUpsert item, Map<String, UUID> doctors) {
        UUID doctorId = doctors.get(item.doctorExternalId());
        if (doctorId == null) {
            return Mono.just(rejected(item, "unknown doctorExternalId"));
        }
        if (!item.end().isAfter(item.start())) {
            return Mono.just(rejected(item, "end must be after start"));
        }
        String zone;
        try {
            zone = catalog.zone(item.timeZone(), "timeZone");
        } catch (RuntimeException invalid) {
            return Mono.just(rejected(item, "timeZone must be an IANA time zone"));
        }
        ZonedDateTime start = item.start().atZone(ZoneId.of(zone));
        ZonedDateTime end = item.end().atZone(ZoneId.of(zone));
        return db.sql("insert into app.slots (id, external_id, doctor_id, starts_at, ends_at, time_zone, local_date, capacity, "
                        + "visit_type, fee_cents, source_version) values (:id, :ext, :doctor, :start, :end, :zone, :day, "
                        + ":capacity, :type, :fee, :version) on conflict (external_id) do update set "
                        + "doctor_id = excluded.doctor_id, starts_at = excluded.starts_at, ends_at = excluded.ends_at, "
                        + "time_zone = excluded.time_zone, local_date = excluded.local_date, capacity = excluded.capacity, "
                        + "visit_type = excluded.visit_type, fee_cents = excluded.fee_cents, "
                        + "source_version = excluded.source_version, updated_at = now() "
                        + "where app.slots.source_version < excluded.source_version returning id")
                .bind("id", UUID.randomUUID())
                .bind("ext", item.externalId())
                .bind("doctor", doctorId)
                .bind("start", start.toOffsetDateTime())
                .bind("end", end.toOffsetDateTime())
                .bind("zone", zone)
                .bind("day", start.toLocalDate())
                .bind("capacity", item.capacity())
                .bind("type", item.visitType())
                .bind("fee", item.feeCents())
                .bind("version", item.version())
                .map(row -> new BookingDtos.SlotResult(item.externalId(), "stored", row.get("id", UUID.class), null))
                .one()
                // Not applied: an equal or newer version is stored; the answer still names the stored slot.
                .switchIfEmpty(Mono.defer(() -> db.sql("select id from app.slots where external_id = :ext")
                        .bind("ext", item.externalId())
                        .map(row -> new BookingDtos.SlotResult(item.externalId(), "stale", row.get("id", UUID.class), null))
                        .one()))
                .onErrorResume(DataIntegrityViolationException.class, conflict -> Mono.just(rejected(item,
                        "capacity is below the number already booked; cancel appointments explicitly first")));
    }

    /**
     * The patient-facing search, answered as the JSON array of {@link BookingDtos.Slot} that the API returns,
     * rendered by PostgreSQL in the same query: a search returns up to a thousand slots, and turning rows into
     * objects and objects into JSON cost the service several times what the query costs the database. The text is
     * exactly what Jackson writes for the same slots (compact, fields in the record's order; times through
     * {@code app.iso_local}), which {@code SlotSearchJsonTests} checks.
     */
    Mono<String> search(UUID doctorId, UUID departmentId, LocalDate from, LocalDate to) {
        if (doctorId == null && departmentId == null) {
            return Mono.error(Problems.invalidField("doctorId", "give doctorId or departmentId"));
        }
        LocalDate first = from != null ? from : LocalDate.now(ZoneId.of("UTC")).minusDays(1);
        LocalDate last = to != null ? to : first.plusDays(MAX_SEARCH_DAYS - 1);
        if (last.isBefore(first) || last.isAfter(first.plusDays(MAX_SEARCH_DAYS - 1))) {
            return Mono.error(Problems.invalidField("to", "must be on or after from; a search covers at most " + MAX_SEARCH_DAYS + " days"));
        }
        // The filter is written out for what was given, never as "(:doctor is null or ...)": the driver prepares
        // statements once, and PostgreSQL's generic plan for that form cannot use the index (a scan per search).
        String filter = (doctorId != null ? "and s.doctor_id = :doctor " : "")
                + (departmentId != null ? "and d.department_id = :department " : "");
        DatabaseClient.GenericExecuteSpec spec = db.sql("select '[' || coalesce(string_agg(format("
                        + "'{\"id\":\"%s\",\"doctorId\":\"%s\",\"departmentId\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
                        + "\"timeZone\":%s,\"localDate\":\"%s\",\"capacity\":%s,\"remaining\":%s,\"visitType\":%s,"
                        + "\"feeCents\":%s}', id, doctor_id, department_id, app.iso_local(starts_at, time_zone), "
                        + "app.iso_local(ends_at, time_zone), to_json(time_zone), to_char(local_date, 'YYYY-MM-DD'), "
                        + "capacity, capacity - booked, to_json(visit_type), fee_cents), ',' order by starts_at, id), '') "
                        + "|| ']' as slots from (select s.id, s.doctor_id, d.department_id, s.starts_at, s.ends_at, "
                        + "s.time_zone, s.local_date, s.capacity, s.booked, s.visit_type, s.fee_cents from app.slots s "
                        + "join app.doctors d on d.id = s.doctor_id join app.departments dep on dep.id = d.department_id "
                        + "where s.status = 'open' and d.active and dep.active " + filter
                        + "and s.local_date between :from and :to "
                        + "and s.starts_at >= now() + make_interval(mins => dep.min_notice_minutes) "
                        + "and s.starts_at < now() + make_interval(days => dep.booking_horizon_days) "
                        + "order by s.starts_at, s.id limit 1000) as found")
                .bind("from", first)
                .bind("to", last);
        if (doctorId != null) {
            spec = spec.bind("doctor", doctorId);
        }
        if (departmentId != null) {
            spec = spec.bind("department", departmentId);
        }
        return spec.map(row -> row.get("slots", String.class)).one();
    }

    /** An instant as the wall-clock time (with offset) in the slot's own zone. */
    static OffsetDateTime local(OffsetDateTime instant, ZoneId zone) {
        return instant.atZoneSameInstant(zone).toOffsetDateTime();
    }

    private static BookingDtos.SlotResult rejected(BookingDtos.SlotUpsert item, String reason) {
        return new BookingDtos.SlotResult(item.externalId(), "rejected", null, reason);
    }
}
