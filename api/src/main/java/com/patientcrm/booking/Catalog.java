package com.patientcrm.booking;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.patientcrm.platform.Problems;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Departments and doctors as the hospital pushes them. An upsert applies only when its version is newer than
 * the stored one, so replays and out-of-order pushes never roll data back.
 *
 * <p>The lists patients browse (about a third of all patient requests) are answered from memory for
 * {@code catalog-cache-ttl}: they change a few times a day. An upsert through this instance clears its copy when
 * it is stored; other instances see it within the TTL. One load per list at a time, however many ask.
 */
@Service
class Catalog {

    /** The department list's key; a department's doctors are keyed by its id. */
    private static final UUID ALL = new UUID(0, 0);

    private final DatabaseClient db;
    private final BookingProperties properties;
    private final AsyncCache<UUID, List<BookingDtos.Doctor>> doctors;
    private final AsyncCache<UUID, List<BookingDtos.Department>> departments;

    Catalog(DatabaseClient db, BookingProperties properties) {
        this.db = db;
        this.properties = properties;
        this.doctors = cache(properties.catalogCacheTtl(), 10_000);
        this.departments = cache(properties.catalogCacheTtl(), 1);
    }

    private static <V> AsyncCache<UUID, V> cache(Duration ttl, int size) {
        // Loads finish on the database driver's threads; Caffeine's own upkeep is cheap and needs no executor.
        return ttl.isZero() ? null : Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(size)
                .executor(Runnable::run).buildAsync();
    }

    /** The cached list, or a fresh one; the query is built only on a miss. */
    private static <V> Mono<V> cached(AsyncCache<UUID, V> cache, UUID key, Function<UUID, Mono<V>> load) {
        if (cache == null) {
            return load.apply(key);
        }
        // A failed load is not kept: Caffeine drops a future that completes exceptionally.
        return Mono.fromFuture(() -> cache.get(key, (k, executor) -> load.apply(k).toFuture()), true);
    }

    private void forget() {
        if (departments != null) {
            departments.synchronous().invalidateAll();
            doctors.synchronous().invalidateAll();
        }
    }

    Mono<BookingDtos.UpsertResult> upsertDepartment(String externalId, BookingDtos.DepartmentUpsert body) {
        String zone = zone(body.timeZone(), "timeZone");
        return db.sql("insert into app.departments (id, external_id, name, description, time_zone, booking_horizon_days, "
                        + "min_notice_minutes, active, source_version) values (:id, :ext, :name, :description, :zone, "
                        + ":horizon, :notice, :active, :version) on conflict (external_id) do update set name = excluded.name, "
                        + "description = excluded.description, time_zone = excluded.time_zone, "
                        + "booking_horizon_days = excluded.booking_horizon_days, min_notice_minutes = excluded.min_notice_minutes, "
                        + "active = excluded.active, source_version = excluded.source_version, updated_at = now() "
                        + "where app.departments.source_version < excluded.source_version returning id")
                .bind("id", UUID.randomUUID())
                .bind("ext", externalId)
                .bind("name", body.name())
                .bind("description", Parameter.fromOrEmpty(body.description(), String.class))
                .bind("zone", zone)
                .bind("horizon", body.bookingHorizonDays() != null ? body.bookingHorizonDays() : properties.defaultHorizonDays())
                .bind("notice", body.minNoticeMinutes() != null ? body.minNoticeMinutes() : properties.defaultMinNoticeMinutes())
                .bind("active", body.active() == null || body.active())
                .bind("version", body.version())
                .map(row -> new BookingDtos.UpsertResult(row.get("id", UUID.class), externalId, true))
                .one()
                .doOnNext(stored -> forget())
                .switchIfEmpty(stale("departments", externalId));
    }

    Mono<BookingDtos.UpsertResult> upsertDoctor(String externalId, BookingDtos.DoctorUpsert body) {
        return departmentId(body.departmentExternalId())
                .switchIfEmpty(Mono.error(() -> Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-reference",
                        "Unknown department", "No department has the external id given in departmentExternalId.")))
                .flatMap(departmentId -> db.sql("insert into app.doctors (id, external_id, department_id, name, title, "
                                + "specialty, photo_url, bio, active, source_version) values (:id, :ext, :department, :name, "
                                + ":title, :specialty, :photo, :bio, :active, :version) on conflict (external_id) do update set "
                                + "department_id = excluded.department_id, name = excluded.name, title = excluded.title, "
                                + "specialty = excluded.specialty, photo_url = excluded.photo_url, bio = excluded.bio, "
                                + "active = excluded.active, source_version = excluded.source_version, updated_at = now() "
                                + "where app.doctors.source_version < excluded.source_version returning id")
                        .bind("id", UUID.randomUUID())
                        .bind("ext", externalId)
                        .bind("department", departmentId)
                        .bind("name", body.name())
                        .bind("title", Parameter.fromOrEmpty(body.title(), String.class))
                        .bind("specialty", Parameter.fromOrEmpty(body.specialty(), String.class))
                        .bind("photo", Parameter.fromOrEmpty(body.photoUrl(), String.class))
                        .bind("bio", Parameter.fromOrEmpty(body.bio(), String.class))
                        .bind("active", body.active() == null || body.active())
                        .bind("version", body.version())
                        .map(row -> new BookingDtos.UpsertResult(row.get("id", UUID.class), externalId, true))
                        .one())
                .doOnNext(stored -> forget())
                .switchIfEmpty(stale("doctors", externalId));
    }

    /** Active departments by name. */
    Mono<List<BookingDtos.Department>> departments() {
        return cached(departments, ALL, all -> loadDepartments());
    }

    /** Active doctors of active departments by name: one department's, or all when {@code departmentId} is null. */
    Mono<List<BookingDtos.Doctor>> doctors(UUID departmentId) {
        return cached(doctors, departmentId == null ? ALL : departmentId, key -> loadDoctors(departmentId));
    }

    private Mono<List<BookingDtos.Department>> loadDepartments() {
        return db.sql("select id, name, description, time_zone, booking_horizon_days from app.departments "
                        + "where active order by name")
                .map(row -> new BookingDtos.Department(row.get("id", UUID.class), row.get("name", String.class),
                        row.get("description", String.class), row.get("time_zone", String.class),
                        row.get("booking_horizon_days", Integer.class)))
                .all().collectList();
    }

    private Mono<List<BookingDtos.Doctor>> loadDoctors(UUID departmentId) {
        return db.sql("select d.id, d.department_id, d.name, d.title, d.specialty, d.photo_url, d.bio from app.doctors d "
                        + "join app.departments dep on dep.id = d.department_id where d.active and dep.active "
                        + "and (cast(:department as uuid) is null or d.department_id = :department) order by d.name")
                .bind("department", Parameter.fromOrEmpty(departmentId, UUID.class))
                .map(row -> new BookingDtos.Doctor(row.get("id", UUID.class), row.get("department_id", UUID.class),
                        row.get("name", String.class), row.get("title", String.class), row.get("specialty", String.class),
                        row.get("photo_url", String.class), row.get("bio", String.class)))
                .all().collectList();
    }

    /** A valid IANA zone id, the configured default when absent; a 400 naming the field otherwise. */
    String zone(String requested, String field) {
        String zone = requested == null || requested.isBlank() ? properties.defaultTimeZone() : requested;
        try {
            return ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            throw Problems.invalidField(field, "must be an IANA time zone such as Asia/Shanghai");
        }
    }

    private Mono<UUID> departmentId(String externalId) {
        return db.sql("select id from app.departments where external_id = :ext").bind("ext", externalId)
                .map(row -> row.get("id", UUID.class)).one();
    }

    private Mono<BookingDtos.UpsertResult> stale(String table, String externalId) {
        return Mono.defer(() -> db.sql("select id from app." + table + " where external_id = :ext").bind("ext", externalId)
                .map(row -> new BookingDtos.UpsertResult(row.get("id", UUID.class), externalId, false)).one());
    }
}
