package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.CapturingSmsSender;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Callers and objects for the attack suites, made through the real API (a row is written directly only where the
 * API has no way to make it, such as a second hospital client or a dead letter). Every request goes through the
 * {@link Probe}, so it is counted and its answer checked for secrets.
 */
final class Fixtures {

    static final String ZONE = "Asia/Shanghai";
    static final String OTHER_CLIENT = "his-attack-other";
    static final String OTHER_SECRET = "attack-other-client-secret";

    final Probe probe;
    final DatabaseClient db;
    private final WebTestClient http;
    private final CapturingSmsSender sms;
    private String client;
    private String stranger;
    private HospitalFixtures.Seeded seeded;
    private int nextDay = 2;

    Fixtures(WebTestClient http, DatabaseClient db, CapturingSmsSender sms, Probe.Stats stats) {
        this.http = http;
        this.db = db;
        this.sms = sms;
        this.probe = new Probe(http, db, stats);
    }

    // ---- callers

    /** A new patient account, signed in by phone; its own patient record exists once this answers. */
    String patient() {
        String token = signIn().get("access_token").asString();
        self(token);
        return token;
    }

    /** Signs a new patient in by phone; answers the token response (access and refresh token). */
    JsonNode signIn() {
        String phone = phone();
        return expect(200, "POST", "/api/v1/auth/otp/verify", Map.of("phone", phone, "code", code(phone)), null);
    }

    static String phone() {
        return "+86137" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    /** Asks for a one-time code for this phone; answers the code the SMS carried. */
    String code(String phone) {
        expect(202, "POST", "/api/v1/auth/otp", Map.of("phone", phone), null);
        return sms.lastCodeFor(phone);
    }

    /** One more patient, the same for every case of this run: never the owner of anything attacked. */
    String stranger() {
        if (stranger == null) {
            stranger = patient();
        }
        return stranger;
    }

    UUID self(String patientToken) {
        return UUID.fromString(expect(200, "GET", "/api/v1/me", null, patientToken).get("id").asString());
    }

    /** Hospital staff with exactly this role, from the hospital's OIDC issuer. */
    static String staff(String role) {
        return staff(role, role.toLowerCase() + "-" + UUID.randomUUID());
    }

    static String staff(String role, String subject) {
        return ExternalFakes.hospitalIdp().issueToken(ExternalFakes.HOSPITAL_ISSUER_ID, subject,
                IntegrationTest.STAFF_AUDIENCE, Map.of("roles", List.of(role)), 600).serialize();
    }

    // ---- who attacks what

    /** A patient's object: another patient finds nothing there; other path families and nobody are refused. */
    List<Matrix.Attacker> onPatientObject() {
        return List.of(new Matrix.Attacker("another patient", "patient", stranger(), 404),
                new Matrix.Attacker("staff (ADMIN)", "staff", staff("ADMIN"), 403),
                new Matrix.Attacker("hospital client", "client", client(), 403),
                new Matrix.Attacker("anonymous", "anonymous", null, 401));
    }

    /** A staff object: the patient it concerns, staff without the role, the hospital's systems and nobody. */
    List<Matrix.Attacker> onStaffObject(String patientToken, String wrongRole) {
        return List.of(new Matrix.Attacker("the patient concerned", "patient", patientToken, 403),
                new Matrix.Attacker("staff (" + wrongRole + ")", "staff", staff(wrongRole), 403),
                new Matrix.Attacker("hospital client", "client", client(), 403),
                new Matrix.Attacker("anonymous", "anonymous", null, 401));
    }

    /** Hospital data pushed by its systems: patients, staff, a client without the capability's scope, nobody. */
    List<Matrix.Attacker> onHospitalData(String patientToken, String otherScope) {
        return List.of(new Matrix.Attacker("a patient", "patient", patientToken, 403),
                new Matrix.Attacker("staff (ADMIN)", "staff", staff("ADMIN"), 403),
                new Matrix.Attacker("client with scope " + otherScope + " only", "client", clientWith(otherScope), 403),
                new Matrix.Attacker("anonymous", "anonymous", null, 401));
    }

    /** The hospital client with every scope. */
    String client() {
        if (client == null) {
            client = clientToken(IntegrationTest.CLIENT_ID, IntegrationTest.CLIENT_SECRET, null);
        }
        return client;
    }

    /** The same client, asking for one scope only. */
    String clientWith(String scope) {
        return clientToken(IntegrationTest.CLIENT_ID, IntegrationTest.CLIENT_SECRET, scope);
    }

    /** A second hospital system with every scope: the owner of nothing the first one made. */
    String otherClient() {
        String hash = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode(OTHER_SECRET);
        db.sql("insert into auth.clients (client_id, secret_hash, scopes, name) values (:id, :hash, :scopes, 'attack suite') "
                        + "on conflict (client_id) do nothing")
                .bind("id", OTHER_CLIENT).bind("hash", hash)
                .bind("scopes", new String[] {"careplans:write", "fhir", "reports:write", "slots:write", "visits:read",
                        "visits:write", "webhooks"})
                .then().block(Duration.ofSeconds(5));
        return clientToken(OTHER_CLIENT, OTHER_SECRET, null);
    }

    private String clientToken(String id, String secret, String scope) {
        String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + scope);
        return http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(id, secret))
                .contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED).bodyValue(form)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                .get("access_token").toString();
    }

    // ---- the hospital's catalogue and bookings

    HospitalFixtures.Seeded seeded() {
        if (seeded == null) {
            seeded = new HospitalFixtures(http, client()).departmentAndDoctor(ZONE, 14);
        }
        return seeded;
    }

    record Slot(UUID id, LocalDate day) {}

    /** A new slot of the seeded doctor, each on its own day (one live appointment per person per doctor-day). */
    Slot slot(int capacity) {
        LocalDate day = LocalDate.now(ZoneId.of(ZONE)).plusDays(nextDay++);
        return new Slot(new HospitalFixtures(http, client()).slot(seeded(), day.atTime(9, 0), ZONE, capacity), day);
    }

    JsonNode book(String patientToken, Slot slot) {
        return expect(201, "POST", "/api/v1/appointments", Map.of("slotId", slot.id()), patientToken);
    }

    // ---- requests

    /** Sends and expects this status; answers the JSON body. */
    JsonNode expect(int status, String method, String path, Object body, String token) {
        Probe.Answer answer = probe.send(method, path, body, token);
        assertThat(answer.status()).as("%s %s: %s", method, path, answer.body()).isEqualTo(status);
        return answer.json();
    }

    /** Reads the object back as its owner: the whole answer, to compare before and after. */
    Supplier<String> readBack(String path, String token) {
        return () -> expect(200, "GET", path, null, token).toString();
    }

    /** Reads back the one item with this id from a list the owner sees (at the JSON pointer, "" for the root). */
    Supplier<String> readBackItem(String path, String pointer, Object id, String token) {
        return () -> {
            for (JsonNode item : expect(200, "GET", path, null, token).at(pointer)) {
                if (item.path("id").asString().equals(String.valueOf(id))) {
                    return item.toString();
                }
            }
            throw new AssertionError("No item " + id + " in " + path);
        };
    }

    /** The keys and values as a mutable map, for bodies that are built up. */
    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    /** Polls until the supplier answers something (the dispatcher works in the background). */
    static <T> T await(String what, Supplier<T> found) {
        Object[] result = new Object[1];
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> (result[0] = found.get()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    UUID uuid(String query, Object... binds) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(query);
        for (int i = 0; i < binds.length; i += 2) {
            spec = spec.bind((String) binds[i], binds[i + 1]);
        }
        return spec.map(row -> row.get(0, UUID.class)).all().next().block(Duration.ofSeconds(5));
    }

    /** Runs the statement; answers how many rows it changed. */
    long sql(String statement, Object... binds) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(statement);
        for (int i = 0; i < binds.length; i += 2) {
            spec = spec.bind((String) binds[i], binds[i + 1]);
        }
        return spec.fetch().rowsUpdated().block(Duration.ofSeconds(5));
    }
}
