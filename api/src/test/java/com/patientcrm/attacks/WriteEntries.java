package com.patientcrm.attacks;

import static com.patientcrm.attacks.Fixtures.body;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Write routes without an id in their path, for the mass-assignment suite: a caller entitled to write, a body that
 * succeeds, and what it answers. (Write routes with an id are taken from the access matrix's cases.)
 */
final class WriteEntries {

    /** Where a write goes, who sends it, the valid body and its answer; JSON pointers to nested objects to tamper too. */
    record Target(String path, String token, Object body, int status, List<String> nested, Runnable after) {

        Target(String path, String token, Object body, int status) {
            this(path, token, body, status, List.of(), () -> { });
        }
    }

    record Write(String operation, Function<Fixtures, Target> target) {}

    private WriteEntries() {
    }

    static List<Write> all() {
        return List.of(
                new Write("POST /api/v1/auth/wechat", fx -> new Target("/api/v1/auth/wechat", null,
                        Map.of("code", "atk-" + UUID.randomUUID()), 200)),
                new Write("POST /api/v1/auth/otp", fx -> new Target("/api/v1/auth/otp", null,
                        Map.of("phone", Fixtures.phone()), 202)),
                new Write("POST /api/v1/auth/otp/verify", fx -> {
                    String phone = Fixtures.phone();
                    return new Target("/api/v1/auth/otp/verify", null, Map.of("phone", phone, "code", fx.code(phone)), 200);
                }),
                new Write("POST /api/v1/auth/staff", fx -> new Target("/api/v1/auth/staff", null,
                        Map.of("username", "admin", "password", com.patientcrm.support.IntegrationTest.ADMIN_PASSWORD), 200)),
                new Write("POST /api/v1/auth/refresh", fx -> new Target("/api/v1/auth/refresh", null,
                        Map.of("refresh_token", fx.signIn().get("refresh_token").asString()), 200)),
                new Write("POST /api/v1/auth/logout", fx -> new Target("/api/v1/auth/logout", null,
                        Map.of("refresh_token", fx.signIn().get("refresh_token").asString()), 204)),
                new Write("POST /api/v1/me/phone/wechat", fx -> new Target("/api/v1/me/phone/wechat",
                        fx.expect(200, "POST", "/api/v1/auth/wechat", Map.of("code", "atk-" + UUID.randomUUID()), null)
                                .get("access_token").asString(), Map.of("code", Fixtures.phone().substring(3)), 200)),
                new Write("PATCH /api/v1/me", fx -> new Target("/api/v1/me", fx.patient(), Map.of("name", "张三"), 200)),
                new Write("POST /api/v1/me/family-members", fx -> new Target("/api/v1/me/family-members", fx.patient(),
                        Map.of("relationship", "parent", "name", "张大爷"), 201)),
                new Write("PUT /api/v1/me/preferences", fx -> new Target("/api/v1/me/preferences", fx.patient(),
                        Map.of("language", "en", "quietHours", Map.of("enabled", true, "start", "23:00", "end", "07:00",
                                "timeZone", Fixtures.ZONE)), 200,
                        List.of("/quietHours"), () -> { })),
                new Write("PATCH /api/v1/me/preferences", fx -> new Target("/api/v1/me/preferences", fx.patient(),
                        Map.of("language", "zh-CN"), 200)),
                new Write("POST /api/v1/me/devices", fx -> new Target("/api/v1/me/devices", fx.patient(),
                        Map.of("token", "fcm-" + UUID.randomUUID(), "platform", "ios"), 201)),
                new Write("POST /api/v1/me/wechat-subscriptions", fx -> new Target("/api/v1/me/wechat-subscriptions",
                        fx.patient(), Map.of("results", Map.of("tmpl-reminder", "accept")), 200)),
                new Write("POST /api/v1/me/consents", WriteEntries::consent),
                new Write("PUT /api/v1/me/interests", fx -> new Target("/api/v1/me/interests", fx.patient(),
                        Map.of("tags", List.of("nutrition")), 200)),
                new Write("POST /api/v1/appointments", fx -> new Target("/api/v1/appointments", fx.patient(),
                        Map.of("slotId", fx.slot(2).id()), 201)),
                new Write("POST /api/v1/waitlist", fx -> {
                    Fixtures.Slot full = fx.slot(1);
                    fx.book(fx.patient(), full);
                    return new Target("/api/v1/waitlist", fx.patient(), Map.of("doctorId", fx.seeded().doctorId(),
                            "date", full.day().toString()), 201);
                }),
                new Write("POST /api/v1/feedback", fx -> new Target("/api/v1/feedback", fx.patient(),
                        Map.of("category", "suggestion", "message", "More chairs in the waiting room, please."), 201)),
                new Write("POST /staff/v1/consent-documents", WriteEntries::consentDocument),
                new Write("POST /staff/v1/care-plan-templates", fx -> new Target("/staff/v1/care-plan-templates",
                        Fixtures.staff("ADMIN"), Map.of("code", "atk-" + UUID.randomUUID().toString().substring(0, 8),
                                "name", "Hypertension review", "conditionCode", "I10", "intervalDays", 60), 201)),
                new Write("POST /staff/v1/care-plans", fx -> new Target("/staff/v1/care-plans", Fixtures.staff("CARE_COORDINATOR"),
                        Map.of("patientId", fx.self(fx.patient()), "templateCode", "post-surgery"), 201)),
                new Write("POST /staff/v1/surveys", fx -> {
                    Map<String, Object> definition = SurveyEntries.definition(fx);
                    definition.put("active", false);
                    return new Target("/staff/v1/surveys", Fixtures.staff("FEEDBACK_MANAGER"), definition, 201,
                            List.of("/trigger", "/questions/0"), () -> { });
                }),
                new Write("POST /staff/v1/articles", fx -> new Target("/staff/v1/articles", Fixtures.staff("CONTENT_EDITOR"),
                        ArticleEntries.input("Mass assignment"), 201)),
                new Write("POST /staff/v1/campaigns", fx -> {
                    String editor = Fixtures.staff("CONTENT_EDITOR");
                    return new Target("/staff/v1/campaigns", editor, Map.of("articleId", ArticleEntries.published(fx, editor),
                            "category", "health_education", "segment", Map.of("conditionPrefixes", List.of("Z99.89"))), 201,
                            List.of("/segment"), () -> { });
                }),
                new Write("POST /integration/v1/slots", WriteEntries::slots),
                new Write("POST /integration/v1/care-plans", fx -> new Target("/integration/v1/care-plans", fx.client(),
                        body("externalId", "plan-" + UUID.randomUUID(), "patientId", fx.self(fx.patient()),
                                "conditionCode", "E11", "startsOn", LocalDate.now(ZoneId.of(Fixtures.ZONE)).toString(),
                                "intervalDays", 90, "version", 1), 200)),
                new Write("POST /integration/v1/reports", fx -> {
                    Map<String, Object> report = ReportEntries.report(fx.self(fx.patient()));
                    return new Target("/integration/v1/reports", fx.client(), report, 200, List.of("/items/0"), () -> { });
                }),
                new Write("POST /integration/v1/webhook-endpoints", WriteEntries::webhookEndpoint),
                new Write("POST /api/v1/me/data-export", fx -> new Target("/api/v1/me/data-export", fx.patient(), null, 202)),
                new Write("POST /api/v1/me/erasure-request", fx -> {
                    String patient = fx.patient();
                    return new Target("/api/v1/me/erasure-request", patient, null, 202, List.of(),
                            () -> fx.expect(200, "DELETE", "/api/v1/me/erasure-request", null, patient));
                }));
    }

    /** A decision on a document in force that is not required (it gates nobody), retired again afterwards. */
    private static Target consent(Fixtures fx) {
        String admin = Fixtures.staff("ADMIN");
        String document = fx.expect(201, "POST", "/staff/v1/consent-documents", Map.of("kind",
                StaffEntries.freeConsentKind(fx, admin), "title", StaffEntries.TEXT), admin).get("id").asString();
        int version = fx.expect(201, "POST", "/staff/v1/consent-documents/" + document + "/versions",
                Map.of("text", StaffEntries.TEXT, "required", false), admin).get("version").asInt();
        return new Target("/api/v1/me/consents", fx.patient(), Map.of("documentId", document, "version", version,
                "granted", true), 201, List.of(),
                () -> fx.expect(200, "POST", "/staff/v1/consent-documents/" + document + "/retire", null, admin));
    }

    private static Target consentDocument(Fixtures fx) {
        String admin = Fixtures.staff("ADMIN");
        Map<String, Object> document = Map.of("kind", StaffEntries.freeConsentKind(fx, admin), "title", StaffEntries.TEXT);
        return new Target("/staff/v1/consent-documents", admin, document, 201, List.of(), () -> {
            for (var d : fx.expect(200, "GET", "/staff/v1/consent-documents", null, admin)) {
                if (d.path("kind").asString().equals(document.get("kind")) && d.path("retiredAt").isNull()) {
                    fx.expect(200, "POST", "/staff/v1/consent-documents/" + d.path("id").asString() + "/retire", null, admin);
                }
            }
        });
    }

    private static Target slots(Fixtures fx) {
        LocalDate day = LocalDate.now(ZoneId.of(Fixtures.ZONE)).plusDays(5);
        Map<String, Object> slot = body("externalId", "slot-" + UUID.randomUUID(), "doctorExternalId",
                fx.seeded().doctorExternalId(), "start", day.atTime(15, 0).toString(), "end", day.atTime(15, 30).toString(),
                "timeZone", Fixtures.ZONE, "capacity", 2, "visitType", "outpatient", "feeCents", 5000, "version", 1);
        return new Target("/integration/v1/slots", fx.client(), Map.of("slots", List.of(slot)), 200, List.of("/slots/0"),
                () -> { });
    }

    /** Registered, then deleted again: a live endpoint would be sent every booking of the later tests. */
    private static Target webhookEndpoint(Fixtures fx) {
        String client = fx.client();
        Map<String, Object> endpoint = Map.of("url", "http://127.0.0.1:9/mass-assignment", "eventTypes",
                List.of("appointment.cancelled"));
        return new Target("/integration/v1/webhook-endpoints", client, endpoint, 201, List.of(), () -> {
            for (var e : fx.expect(200, "GET", "/integration/v1/webhook-endpoints", null, client).path("items")) {
                if (e.path("url").asString().equals(endpoint.get("url"))) {
                    fx.expect(204, "DELETE", "/integration/v1/webhook-endpoints/" + e.path("id").asString(), null, client);
                }
            }
        });
    }
}
