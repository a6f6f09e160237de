package com.patientcrm.attacks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Portman configuration of one fuzz run: each path family gets its own token (patient routes the patient's,
 * staff routes the admin's, integration and FHIR routes the hospital client's), every path id a real one of the
 * {@link FuzzWorld}, the main query parameters real values, every write a valid body; then Portman's fuzzing
 * variations on every operation. A path whose id has no rule here fails the run, so a new route cannot go unfuzzed.
 */
final class FuzzConfig {

    /** Path prefix and variable name → the world's id to use. The longest prefix wins. */
    private static final Map<String, String> PATH_IDS = Map.ofEntries(
            Map.entry("/api/v1/me/family-members/{id}", "member"),
            Map.entry("/api/v1/me/notifications/{id}", "notification"),
            Map.entry("/api/v1/me/devices/{id}", "device"),
            Map.entry("/api/v1/me/data-export/{id}", "export"),
            Map.entry("/api/v1/appointments/{id}", "appointment"),
            Map.entry("/api/v1/waitlist/{id}", "waitlist"),
            Map.entry("/api/v1/reports/{id}", "report"),
            Map.entry("/api/v1/feedback/{id}", "ticket"),
            Map.entry("/api/v1/survey-invitations/{id}", "invitation"),
            Map.entry("/api/v1/articles/{id}", "article"),
            Map.entry("/staff/v1/consent-documents/{id}", "consentDocument"),
            Map.entry("/staff/v1/care-plans/{id}", "carePlan"),
            Map.entry("/staff/v1/notifications/{id}", "outboxMessage"),
            Map.entry("/staff/v1/feedback/{id}", "ticket"),
            Map.entry("/staff/v1/patients/{id}", "patient"),
            Map.entry("/staff/v1/surveys/{id}", "survey"),
            Map.entry("/staff/v1/articles/{id}", "article"),
            Map.entry("/staff/v1/campaigns/{id}", "campaign"),
            Map.entry("/integration/v1/departments/{externalId}", "departmentExternal"),
            Map.entry("/integration/v1/doctors/{externalId}", "doctorExternal"),
            Map.entry("/integration/v1/appointments/{id}", "visitAppointment"),
            Map.entry("/integration/v1/reports/{externalId}", "reportExternal"),
            Map.entry("/integration/v1/webhook-endpoints/{id}", "webhook"));

    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$", Pattern.MULTILINE);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    private FuzzConfig() {
    }

    static void write(Path file, Path contract, FuzzWorld world, String clientIp) throws IOException {
        List<Object> overwrites = new ArrayList<>();
        overwrites.add(security("*::/api/v1/*", "patientToken"));
        overwrites.add(security("*::/staff/v1/*", "staffToken"));
        overwrites.add(security("*::/integration/v1/*", "clientToken"));
        overwrites.add(security("*::/fhir/r4*", "clientToken"));
        // The test's own client IP: per-IP rate limits of the fuzz's sign-in attempts touch no other test.
        overwrites.add(Map.of("openApiOperation", "*::/*", "overwriteRequestHeaders",
                List.of(Map.of("key", "X-Forwarded-For", "value", clientIp))));
        for (String path : paths(contract)) {
            List<Object> variables = new ArrayList<>();
            Matcher names = VARIABLE.matcher(path);
            while (names.find()) {
                variables.add(Map.of("key", names.group(1), "value", pathValue(path, names.group(1), world)));
            }
            if (!variables.isEmpty()) {
                overwrites.add(Map.of("openApiOperation", "*::" + path, "overwriteRequestPathVariables", variables));
            }
        }
        // A new key per request (a Postman dynamic variable): one fixed key would answer every variation as a replay.
        overwrites.add(Map.of("openApiOperation", "POST::/api/v1/appointments", "overwriteRequestHeaders",
                List.of(Map.of("key", "Idempotency-Key", "value", "{{$guid}}"))));
        overwrites.add(Map.of("openApiOperation", "POST::/api/v1/feedback", "overwriteRequestHeaders",
                List.of(Map.of("key", "Idempotency-Key", "value", "{{$guid}}"))));
        queries(world).forEach((operation, params) -> overwrites.add(Map.of("openApiOperation", operation,
                "overwriteRequestQueryParams", params.entrySet().stream()
                        .map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList())));
        FuzzBodies.forOperations(world).forEach((operation, body) -> overwrites.add(Map.of("openApiOperation",
                operation, "overwriteRequestBody", List.of(Map.of("key", ".", "value", body, "overwrite", true)))));

        Map<String, Object> enabled = Map.of("enabled", true);
        Map<String, Object> everyFuzz = Map.of("requiredFields", enabled, "minimumNumberFields", enabled,
                "maximumNumberFields", enabled, "minLengthFields", enabled, "maxLengthFields", enabled);
        Map<String, Object> fuzz = Map.of("name", "fuzz", "tests", Map.of("contractTests", List.of()),
                "fuzzing", List.of(Map.of("requestBody", List.of(everyFuzz)),
                        Map.of("requestQueryParams", List.of(everyFuzz)), Map.of("requestHeaders", List.of(everyFuzz))));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("version", 1.0);
        config.put("tests", Map.of("contractTests", List.of(), "variationTests", List.of(Map.of(
                "openApiOperation", "*::/*", "openApiResponse", "400", "variations", List.of(fuzz)))));
        config.put("overwrites", overwrites);
        config.put("globals", Map.of());
        Files.writeString(file, JsonMapper.builder().build().writeValueAsString(config));
    }

    /** A Postman environment with the three tokens, and the WeChat push Token that fuzz.mjs signs pushes with. */
    static void writeEnvironment(Path file, FuzzWorld world, String weChatPushToken) throws IOException {
        List<Object> values = List.of(
                Map.of("key", "wechatToken", "value", weChatPushToken, "enabled", true),
                Map.of("key", "patientToken", "value", world.patientToken(), "enabled", true),
                Map.of("key", "staffToken", "value", world.staffToken(), "enabled", true),
                Map.of("key", "clientToken", "value", world.clientToken(), "enabled", true));
        Files.writeString(file, JsonMapper.builder().build().writeValueAsString(Map.of("name", "fuzz", "values", values)));
    }

    static List<String> paths(Path contract) throws IOException {
        Matcher matcher = PATH.matcher(Files.readString(contract));
        List<String> paths = new ArrayList<>();
        while (matcher.find()) {
            paths.add(matcher.group(1));
        }
        return paths;
    }

    private static String pathValue(String path, String variable, FuzzWorld world) {
        if (path.startsWith("/staff/v1/surveys/{id}/versions/") && variable.equals("version")) {
            return "1";
        }
        return PATH_IDS.entrySet().stream()
                .filter(e -> path.startsWith(e.getKey()) && e.getKey().endsWith("{" + variable + "}"))
                .map(e -> world.id(e.getValue()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("FuzzConfig has no id for {" + variable + "} of " + path
                        + ": add the route to PATH_IDS (and its resource to FuzzWorld)"));
    }

    private static Map<String, Map<String, String>> queries(FuzzWorld w) {
        LocalDate today = LocalDate.now(ZoneId.of(FuzzWorld.ZONE));
        // UTC: a '+' offset would arrive as a space, as newman does not encode it.
        String since = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString();
        return Map.of(
                "GET::/api/v1/doctors", Map.of("departmentId", w.id("department")),
                "GET::/api/v1/slots", Map.of("doctorId", w.id("doctor"), "from", today.plusDays(1).toString(),
                        "to", today.plusDays(28).toString()),
                "GET::/api/v1/reports", Map.of("patientId", w.id("patient"), "limit", "5"),
                "GET::/staff/v1/audit", Map.of("patientId", w.id("patient"), "from", since),
                "GET::/staff/v1/care-plans", Map.of("patientId", w.id("patient")),
                "GET::/staff/v1/recalls", Map.of("departmentId", w.id("department")),
                "GET::/staff/v1/notifications", Map.of("patientId", w.id("patient")),
                "GET::/integration/v1/appointments", Map.of("updatedSince", since),
                "GET::/fhir/r4/Slot", Map.of("schedule", w.id("doctor")),
                "GET::/fhir/r4/Appointment", Map.of("patient", "Patient/" + w.id("patient")));
    }

    private static Map<String, Object> security(String operations, String token) {
        return Map.of("openApiOperation", operations,
                "overwriteRequestSecurity", Map.of("bearer", Map.of("token", "{{" + token + "}}")));
    }
}
