package com.patientcrm.privacy;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Channel;
import com.patientcrm.notifications.ContactPreferences;
import com.patientcrm.notifications.PreferenceChanges;
import com.patientcrm.notifications.PreferenceRejected;
import com.patientcrm.notifications.Preferences;
import com.patientcrm.notifications.QuietHours;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/me/preferences}: how and when the account holder may be contacted. The notifications module owns
 * the settings; this translates the wire shape (codes, local times, zone names) and checks the doctor ids.
 */
@RestController
class PreferencesController {

    private final Preferences preferences;
    private final Patients patients;
    private final DatabaseClient db;

    PreferencesController(Preferences preferences, Patients patients, DatabaseClient db) {
        this.preferences = preferences;
        this.patients = patients;
        this.db = db;
    }

    /** Local times travel as "HH:mm" (quiet hours have no use for seconds). */
    record QuietHoursBody(@NotNull Boolean enabled, @NotNull @JsonFormat(pattern = "HH:mm") LocalTime start,
                          @NotNull @JsonFormat(pattern = "HH:mm") LocalTime end,
                          @NotNull String timeZone) {}

    record Settings(Map<String, Map<String, Boolean>> channels, @Valid QuietHoursBody quietHours,
                    @Pattern(regexp = "zh-CN|en") String language,
                    @Pattern(regexp = "any|morning|afternoon|evening") String preferredVisitTime,
                    List<UUID> preferredDoctorIds) {}

    record Effective(Map<String, Map<String, Boolean>> channels, QuietHoursBody quietHours, String language,
                     String preferredVisitTime, List<UUID> preferredDoctorIds, List<String> criticalCategories,
                     Instant updatedAt) {}

    @GetMapping("/api/v1/me/preferences")
    Mono<ResponseEntity<Effective>> get(@AuthenticationPrincipal Jwt jwt) {
        return patients.selfId(account(jwt)).flatMap(preferences::effective).map(PreferencesController::answer);
    }

    @PutMapping("/api/v1/me/preferences")
    Mono<ResponseEntity<Effective>> replace(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Settings body) {
        return update(jwt, body, true);
    }

    @PatchMapping("/api/v1/me/preferences")
    Mono<ResponseEntity<Effective>> patch(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Settings body) {
        return update(jwt, body, false);
    }

    /** A critical category switched off is a well-formed request the rules refuse: 422 with its own type. */
    @ExceptionHandler(PreferenceRejected.class)
    ResponseEntity<ProblemDetail> rejected(PreferenceRejected rejected, ServerWebExchange exchange) {
        ErrorResponseException problem;
        if (PreferenceRejected.CRITICAL_CATEGORY.equals(rejected.reason())) {
            problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "critical-category", "Critical category",
                    rejected.getMessage());
            problem.getBody().setProperty("field", wireField(rejected.field()));
        } else {
            problem = Problems.invalidField(wireField(rejected.field()), rejected.getMessage());
        }
        problem.getBody().setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
        return ResponseEntity.status(problem.getStatusCode()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.getBody());
    }

    /** The module names fields as it stores them; the wire calls the opt-ins "channels" and the visit time "preferredVisitTime". */
    private static String wireField(String field) {
        if (field.startsWith("optIns")) {
            return "channels" + field.substring("optIns".length());
        }
        return field.equals("visitTime") ? "preferredVisitTime" : field;
    }

    private Mono<ResponseEntity<Effective>> update(Jwt jwt, Settings body, boolean replace) {
        PreferenceChanges changes = new PreferenceChanges(optIns(body.channels()), quietHours(body.quietHours()),
                body.language(), body.preferredVisitTime(), body.preferredDoctorIds());
        return patients.selfId(account(jwt))
                .flatMap(self -> knownDoctors(body.preferredDoctorIds())
                        .then(preferences.update(self, changes, replace)))
                .map(PreferencesController::answer);
    }

    private static Map<Category, Map<Channel, Boolean>> optIns(Map<String, Map<String, Boolean>> channels) {
        if (channels == null) {
            return null;
        }
        Map<Category, Map<Channel, Boolean>> optIns = new EnumMap<>(Category.class);
        channels.forEach((categoryCode, byChannel) -> {
            Category category = Category.parse(categoryCode).orElseThrow(() ->
                    Problems.invalidField("channels." + categoryCode, "is not a category"));
            Map<Channel, Boolean> choices = new EnumMap<>(Channel.class);
            if (byChannel != null) {
                byChannel.forEach((channelCode, on) -> {
                    Channel channel = Channel.parse(channelCode).orElseThrow(() -> Problems.invalidField(
                            "channels." + categoryCode + "." + channelCode, "is not a channel"));
                    if (on == null) {
                        throw Problems.invalidField("channels." + categoryCode + "." + channelCode, "must be true or false");
                    }
                    choices.put(channel, on);
                });
            }
            optIns.put(category, choices);
        });
        return optIns;
    }

    private static QuietHours quietHours(QuietHoursBody body) {
        if (body == null) {
            return null;
        }
        try {
            return new QuietHours(body.enabled(), body.start(), body.end(), ZoneId.of(body.timeZone()));
        } catch (DateTimeException e) {
            throw Problems.invalidField("quietHours.timeZone", "is not an IANA time zone");
        }
    }

    private Mono<Void> knownDoctors(List<UUID> ids) {
        if (ids == null || ids.isEmpty()) {
            return Mono.empty();
        }
        UUID[] distinct = ids.stream().distinct().toArray(UUID[]::new);
        return db.sql("select count(*) as found from app.doctors where id = any(cast(:ids as uuid[]))")
                .bind("ids", distinct)
                .map(row -> row.get("found", Long.class)).one()
                .flatMap(found -> found == distinct.length ? Mono.<Void>empty()
                        : Mono.error(Problems.invalidField("preferredDoctorIds", "names a doctor we do not know")));
    }

    private static ResponseEntity<Effective> answer(ContactPreferences settings) {
        Map<String, Map<String, Boolean>> channels = new LinkedHashMap<>();
        settings.optIns().forEach((category, byChannel) -> {
            Map<String, Boolean> codes = new LinkedHashMap<>();
            byChannel.forEach((channel, on) -> codes.put(channel.code(), on));
            channels.put(category.code(), codes);
        });
        QuietHours quiet = settings.quietHours();
        Effective body = new Effective(channels, new QuietHoursBody(quiet.enabled(), quiet.start(), quiet.end(),
                quiet.zone().getId()), settings.language(), settings.visitTime(), settings.preferredDoctorIds(),
                java.util.Arrays.stream(Category.values()).filter(Category::critical).map(Category::code).toList(),
                settings.updatedAt());
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }
}
