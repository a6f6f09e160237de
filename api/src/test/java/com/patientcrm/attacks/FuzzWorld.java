package com.patientcrm.attacks;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.surveys.SurveyFixtures;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One of everything the contract has an id for, made through the real API before the fuzz runs, so that its
 * requests carry ids that exist and tokens that are accepted: a patient with a family member, a booked appointment
 * and a free slot, a waitlist entry, a report, a survey invitation, a feedback ticket, a device, an inbox message, a
 * data export, a consent document, a care plan, a webhook endpoint, an article and a campaign.
 */
record FuzzWorld(String patientToken, String staffToken, String clientToken, String marker, Map<String, String> ids) {

    static final String ZONE = SurveyFixtures.ZONE;

    String id(String name) {
        String id = ids.get(name);
        if (id == null) {
            throw new IllegalStateException("FuzzWorld has no " + name);
        }
        return id;
    }

    /** Builds the world; {@code http} already carries the test's own client IP. */
    static FuzzWorld create(WebTestClient http, DatabaseClient db, String patient, String staff, String client) {
        Api api = new Api(http);
        Map<String, String> ids = new LinkedHashMap<>();
        String marker = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
        ids.put("patient", (String) api.call(patient, HttpMethod.GET, "/api/v1/me", null, 200).get("id"));
        ids.put("member", (String) api.call(patient, HttpMethod.POST, "/api/v1/me/family-members",
                Map.of("relationship", "child", "name", "Xiao Ming", "birthDate", "2018-05-01"), 201).get("id"));

        SurveyFixtures surveys = new SurveyFixtures(http, db, client);
        HospitalFixtures.Seeded seeded = surveys.hospital().departmentAndDoctor(ZONE, 30);
        ids.put("department", seeded.departmentId().toString());
        ids.put("departmentExternal", seeded.departmentExternalId());
        ids.put("doctor", seeded.doctorId().toString());
        ids.put("doctorExternal", seeded.doctorExternalId());
        LocalDate today = LocalDate.now(ZoneId.of(ZONE));
        ids.put("freeSlot", surveys.hospital().slot(seeded, today.plusDays(20).atTime(10, 0), ZONE, 5).toString());
        ids.put("otherSlot", surveys.hospital().slot(seeded, today.plusDays(21).atTime(10, 0), ZONE, 5).toString());
        ids.put("freeDate", today.plusDays(20).toString());
        Map<?, ?> survey = surveys.create(staff, SurveyFixtures.definition(marker, seeded.departmentId(), 0, 30));
        ids.put("survey", (String) survey.get("id"));
        UUID visit = surveys.completedVisit(seeded, patient, null);
        ids.put("invitation", surveys.invitationFor(visit).toString());
        ids.put("appointment", surveys.book(seeded, patient, null).toString());
        // The hospital's visit outcomes get their own appointment: a valid variation may check it in.
        ids.put("visitAppointment", surveys.book(seeded, patient, null).toString());
        ids.put("waitlist", waitlistEntry(api, surveys, seeded, patient, ids.get("member"), today.plusDays(25)));
        // A second full day, where the family member may still join the waitlist (the baseline's request).
        UUID lastPlace = surveys.hospital().slot(seeded, today.plusDays(26).atTime(9, 0), ZONE, 1);
        api.call(patient, HttpMethod.POST, "/api/v1/appointments", Map.of("slotId", lastPlace), 201);
        ids.put("fullDate", today.plusDays(26).toString());

        ids.put("reportExternal", "lab-" + marker);
        ids.put("report", (String) api.call(client, HttpMethod.POST, "/integration/v1/reports",
                FuzzBodies.report(ids.get("reportExternal"), ids.get("patient"), 1), 200).get("id"));
        api.pdf(client, "/integration/v1/reports/" + ids.get("reportExternal") + "/pdf");
        ids.put("ticket", (String) api.call(patient, HttpMethod.POST, "/api/v1/feedback",
                Map.of("category", "suggestion", "subject", "Parking", "message", "More parking, please."), 201).get("id"));
        ids.put("device", (String) api.call(patient, HttpMethod.POST, "/api/v1/me/devices",
                Map.of("token", "fcm-" + marker, "platform", "android"), 201).get("id"));
        ids.put("export", (String) api.call(patient, HttpMethod.POST, "/api/v1/me/data-export", null, 202).get("id"));
        ids.put("consentDocument", (String) api.call(staff, HttpMethod.POST, "/staff/v1/consent-documents",
                Map.of("kind", "research", "title", Map.of("zh-CN", "研究", "en", "Research")), 201).get("id"));
        ids.put("carePlan", (String) api.call(staff, HttpMethod.POST, "/staff/v1/care-plans", Map.of("patientId",
                ids.get("patient"), "templateCode", "diabetes-review", "departmentId", ids.get("department")), 201).get("id"));
        ids.put("webhook", (String) api.call(client, HttpMethod.POST, "/integration/v1/webhook-endpoints",
                FuzzBodies.webhook(), 201).get("id"));
        ids.put("article", (String) api.call(staff, HttpMethod.POST, "/staff/v1/articles",
                FuzzBodies.article(marker, ids.get("department")), 201).get("id"));
        ids.put("articleVersion", String.valueOf(api.call(staff, HttpMethod.POST,
                "/staff/v1/articles/" + ids.get("article") + "/publish", null, 200).get("version")));
        // Campaigns get an article of their own: the fuzz unpublishes the first one.
        ids.put("campaignArticle", (String) api.call(staff, HttpMethod.POST, "/staff/v1/articles",
                FuzzBodies.article(marker + "-c", ids.get("department")), 201).get("id"));
        api.call(staff, HttpMethod.POST, "/staff/v1/articles/" + ids.get("campaignArticle") + "/publish", null, 200);
        ids.put("campaign", (String) api.call(staff, HttpMethod.POST, "/staff/v1/campaigns",
                FuzzBodies.campaign(ids.get("campaignArticle"), ids.get("department")), 201).get("campaignId"));
        ids.put("notification", inboxMessage(api, patient));
        ids.put("outboxMessage", staffVisibleMessage(api, staff, ids.get("patient")));
        ids.forEach((name, id) -> {
            if (id == null) {
                throw new IllegalStateException("FuzzWorld could not make its " + name + ": " + ids);
            }
        });
        return new FuzzWorld(patient, staff, client, marker, Map.copyOf(ids));
    }

    /** A doctor-day whose one place the family member holds, and the account holder waiting for it. */
    private static String waitlistEntry(Api api, SurveyFixtures surveys, HospitalFixtures.Seeded seeded, String patient,
                                        String member, LocalDate day) {
        UUID slot = surveys.hospital().slot(seeded, day.atTime(9, 0), ZONE, 1);
        api.call(patient, HttpMethod.POST, "/api/v1/appointments", Map.of("slotId", slot, "patientId", member), 201);
        return (String) api.call(patient, HttpMethod.POST, "/api/v1/waitlist",
                Map.of("doctorId", seeded.doctorId(), "date", day.toString()), 201).get("id");
    }

    /** The booking confirmations reach the inbox through the dispatcher: the first one there. */
    private static String inboxMessage(Api api, String patient) {
        String[] id = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<?> items = (List<?>) api.call(patient, HttpMethod.GET, "/api/v1/me/notifications", null, 200).get("items");
            id[0] = items.isEmpty() ? null : (String) ((Map<?, ?>) items.get(0)).get("id");
            return id[0] != null;
        });
        return id[0];
    }

    private static String staffVisibleMessage(Api api, String staff, String patientId) {
        List<?> items = (List<?>) api.call(staff, HttpMethod.GET, "/staff/v1/notifications?patientId=" + patientId,
                null, 200).get("items");
        return (String) ((Map<?, ?>) items.get(0)).get("id");
    }

    /** Calls one route with a token and answers the JSON body (every answer is also checked against the contract). */
    record Api(WebTestClient http) {

        void pdf(String token, String path) {
            http.put().uri(path).headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_PDF)
                    .bodyValue("%PDF-1.4\n% a report\n%%EOF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .exchange().expectStatus().is2xxSuccessful();
        }

        Map<String, Object> call(String token, HttpMethod method, String path, Object body, int status) {
            WebTestClient.RequestBodySpec spec = http.method(method).uri(path).headers(h -> {
                h.setBearerAuth(token);
                h.set("Idempotency-Key", UUID.randomUUID().toString());
            });
            WebTestClient.RequestHeadersSpec<?> ready = body == null ? spec
                    : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
            @SuppressWarnings("unchecked")
            Map<String, Object> answer = ready.exchange().expectStatus().isEqualTo(status)
                    .expectBody(Map.class).returnResult().getResponseBody();
            return answer;
        }
    }

    static String now() {
        return OffsetDateTime.now(ZoneId.of(ZONE)).withNano(0).toString();
    }
}
