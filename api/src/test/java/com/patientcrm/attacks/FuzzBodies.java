package com.patientcrm.attacks;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A valid body for every write operation, with the world's ids: Portman's fuzz variations and the script's mutations
 * each break one thing in these, so that the rest of the request gets past validation to the code behind it. Keyed
 * by Portman's operation reference ({@code METHOD::/path}).
 */
final class FuzzBodies {

    private FuzzBodies() {
    }

    static Map<String, Object> forOperations(FuzzWorld w) {
        LocalDate today = LocalDate.now(java.time.ZoneId.of(FuzzWorld.ZONE));
        Map<String, Object> bodies = new HashMap<>();
        // Fixed codes: the fake WeChat writes the code into its JSON answer as it is, and a random example with a '"'
        // made that answer unreadable (the app's 503 then is right: WeChat's answer was garbage).
        bodies.put("POST::/api/v1/auth/wechat", Map.of("code", "login-" + w.marker()));
        bodies.put("POST::/api/v1/me/phone/wechat", Map.of("code",
                "139" + String.format("%08d", java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000))));
        bodies.put("PATCH::/api/v1/me", Map.of("name", "Wang Fang", "gender", "female", "birthDate", "1980-02-03",
                "address", "1 Jianguo Road", "emergencyContact", Map.of("name", "Wang Lei", "phone", "13800138001",
                        "relationship", "spouse")));
        Map<String, Object> member = Map.of("relationship", "child", "name", "Xiao Hong", "gender", "female",
                "birthDate", "2016-07-08", "address", "1 Jianguo Road");
        bodies.put("POST::/api/v1/me/family-members", member);
        bodies.put("PATCH::/api/v1/me/family-members/{id}", member);
        Map<String, Object> preferences = Map.of("channels", Map.of("survey", Map.of("wechat", true, "app_push", false,
                        "in_app", true)), "quietHours", Map.of("enabled", true, "start", "22:00", "end", "07:30",
                        "timeZone", FuzzWorld.ZONE), "language", "en", "preferredVisitTime", "morning",
                "preferredDoctorIds", List.of(w.id("doctor")));
        bodies.put("PUT::/api/v1/me/preferences", preferences);
        bodies.put("PATCH::/api/v1/me/preferences", preferences);
        bodies.put("POST::/api/v1/me/devices", Map.of("token", "fcm-2-" + w.marker(), "platform", "ios", "appVersion", "3.2.1"));
        bodies.put("POST::/api/v1/me/wechat-subscriptions", Map.of("results", Map.of("tmpl-reminder", "accept")));
        bodies.put("POST::/api/v1/me/consents", Map.of("documentId", w.id("consentDocument"), "version", 1,
                "granted", true, "channel", "app"));
        bodies.put("POST::/api/v1/appointments", Map.of("slotId", w.id("freeSlot"), "patientId", w.id("member")));
        bodies.put("POST::/api/v1/appointments/{id}/reschedule", Map.of("slotId", w.id("otherSlot")));
        bodies.put("POST::/api/v1/waitlist", Map.of("doctorId", w.id("doctor"), "date", w.id("fullDate"),
                "patientId", w.id("member")));
        bodies.put("POST::/staff/v1/consent-documents", Map.of("kind", "third_party_sharing",
                "title", Map.of("zh-CN", "第三方共享", "en", "Sharing")));
        bodies.put("POST::/staff/v1/consent-documents/{id}/versions", Map.of("text", Map.of("zh-CN", "文本", "en", "Text"),
                "effectiveAt", FuzzWorld.now(), "required", false));
        bodies.put("POST::/staff/v1/care-plan-templates", Map.of("code", w.marker() + "-review", "name", "Review",
                "conditionCode", "J45", "intervalDays", 30, "durationDays", 365));
        bodies.put("POST::/staff/v1/care-plans", Map.of("patientId", w.id("member"), "templateCode", "post-surgery",
                "departmentId", w.id("department"), "startsOn", today.toString(), "title", "After surgery"));
        bodies.put("PUT::/integration/v1/departments/{externalId}", Map.of("name", "Cardiology", "description", "Heart",
                "timeZone", FuzzWorld.ZONE, "bookingHorizonDays", 30, "minNoticeMinutes", 60, "active", true, "version", 5));
        bodies.put("PUT::/integration/v1/doctors/{externalId}", Map.of("departmentExternalId", w.id("departmentExternal"),
                "name", "Dr. Chen", "title", "Chief physician", "specialty", "Heart failure", "photoUrl",
                "https://img.example/chen.png", "bio", "Twenty years", "active", true, "version", 5));
        bodies.put("POST::/integration/v1/doctors/{externalId}/sessions/cancel", Map.of("date",
                today.plusDays(27).toString(), "from", "08:00", "to", "12:00", "reason", "Conference"));
        bodies.put("POST::/integration/v1/doctors/{externalId}/sessions/reopen", Map.of("date",
                today.plusDays(27).toString(), "from", "08:00", "to", "12:00"));
        bodies.put("POST::/integration/v1/slots", Map.of("slots", List.of(Map.of("externalId", "slot-" + w.marker(),
                "doctorExternalId", w.id("doctorExternal"), "start", today.plusDays(22).atTime(14, 0).toString(),
                "end", today.plusDays(22).atTime(14, 30).toString(), "timeZone", FuzzWorld.ZONE, "capacity", 3,
                "visitType", "outpatient", "feeCents", 5000, "version", 1))));
        bodies.put("PATCH::/integration/v1/appointments/{id}", Map.of("status", "COMPLETED", "diagnosisCodes", List.of("E11.9")));
        bodies.put("POST::/integration/v1/care-plans", map("externalId", "CP-" + w.marker(), "patientId", w.id("patient"),
                "conditionCode", "E11.9", "departmentExternalId", w.id("departmentExternal"), "title", "Diabetes",
                "startsOn", today.toString(), "endsOn", today.plusDays(400).toString(), "intervalDays", 90,
                "timeZone", FuzzWorld.ZONE, "status", "ACTIVE", "version", 1));
        bodies.put("POST::/integration/v1/reports", report(w.id("reportExternal"), w.id("patient"), 2));
        bodies.put("POST::/integration/v1/webhook-endpoints", webhook());
        bodies.put("PATCH::/integration/v1/webhook-endpoints/{id}", Map.of("url", "http://127.0.0.1:9/hooks",
                "description", "HIS", "eventTypes", List.of("appointment.cancelled"), "active", true));
        bodies.put("POST::/api/v1/feedback", Map.of("category", "complaint", "patientId", w.id("member"),
                "subject", "Waiting", "message", "We waited an hour."));
        bodies.put("POST::/staff/v1/feedback/{id}/assign", Map.of("assignee", "fuzz-agent"));
        bodies.put("POST::/staff/v1/feedback/{id}/notes", Map.of("body", "Called back."));
        bodies.put("PUT::/staff/v1/feedback/{id}/tags", Map.of("tags", List.of("parking", "follow-up")));
        bodies.put("POST::/staff/v1/feedback/{id}/status", Map.of("status", "IN_PROGRESS", "comment", "On it"));
        bodies.put("POST::/staff/v1/feedback/{id}/replies", Map.of("message", "Thank you, we are on it."));
        bodies.put("PUT::/api/v1/survey-invitations/{id}/response", Map.of("answers", List.of(
                Map.of("questionId", "nps", "score", 9), Map.of("questionId", "wait", "choices", List.of("<15 min")),
                Map.of("questionId", "comment", "text", "Fine.")), "submit", false));
        Map<String, Object> survey = new HashMap<>(com.patientcrm.surveys.SurveyFixtures.definition(w.marker(),
                java.util.UUID.fromString(w.id("department")), 0, 30));
        bodies.put("PUT::/staff/v1/surveys/{id}", survey);
        Map<String, Object> newSurvey = new HashMap<>(survey);
        newSurvey.put("code", w.marker() + "-2");
        newSurvey.put("active", false);
        bodies.put("POST::/staff/v1/surveys", newSurvey);
        bodies.put("PUT::/api/v1/me/interests", Map.of("tags", List.of("diabetes", "E11")));
        bodies.put("POST::/staff/v1/articles", article(w.marker() + "-2", w.id("department")));
        Map<String, Object> edit = new HashMap<>(article(w.marker(), w.id("department")));
        edit.put("version", Integer.valueOf(w.id("articleVersion")));
        bodies.put("PUT::/staff/v1/articles/{id}", edit);
        bodies.put("POST::/staff/v1/campaigns", campaign(w.id("campaignArticle"), w.id("department")));
        bodies.put("POST::/fhir/r4", fhirBatch(w, today));
        return bodies;
    }

    /** Map.of for more than ten pairs. */
    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Map<String, Object> report(String externalId, String patientId, long version) {
        return Map.of("externalId", externalId, "patientId", patientId, "kind", "LAB", "title", "Blood glucose",
                "issuedAt", FuzzWorld.now(), "status", "FINAL", "version", version,
                "items", List.of(Map.of("code", "GLU", "name", "Glucose", "value", "7.9", "unit", "mmol/L",
                        "referenceRange", "3.9-6.1", "abnormal", "H")));
    }

    /** A FHIR batch: the world's doctor as a Schedule (with its time zone) and one free Slot on it. */
    static Map<String, Object> fhirBatch(FuzzWorld w, LocalDate today) {
        String schedule = "sched-" + w.marker();
        Map<String, Object> scheduleEntry = Map.of("fullUrl", "urn:uuid:" + java.util.UUID.randomUUID(),
                "resource", Map.of("resourceType", "Schedule", "id", schedule,
                        "meta", Map.of("lastUpdated", "2026-01-01T00:00:00Z"),
                        "actor", List.of(Map.of("reference", "Practitioner/" + w.id("doctorExternal"))),
                        "extension", List.of(Map.of("url", "http://hl7.org/fhir/StructureDefinition/timezone",
                                "valueCode", FuzzWorld.ZONE))),
                "request", Map.of("method", "PUT", "url", "Schedule/" + schedule));
        String start = today.plusDays(23).atTime(9, 0) + ":00+08:00";
        String end = today.plusDays(23).atTime(9, 30) + ":00+08:00";
        Map<String, Object> slotEntry = Map.of("fullUrl", "urn:uuid:" + java.util.UUID.randomUUID(),
                "resource", Map.of("resourceType", "Slot", "meta", Map.of("versionId", "1"),
                        "identifier", List.of(Map.of("system", "urn:oid:1.2.156.his.slot", "value", "fs-" + w.marker())),
                        "schedule", Map.of("reference", "Schedule/" + schedule), "status", "free",
                        "start", start, "end", end,
                        "extension", List.of(Map.of("url", "urn:patientcrm:fhir:slot-capacity", "valueInteger", 2))),
                "request", Map.of("method", "POST", "url", "Slot"));
        return Map.of("resourceType", "Bundle", "type", "batch", "entry", List.of(scheduleEntry, slotEntry));
    }

    /** A closed local port: deliveries fail at once, nothing leaves the machine. */
    static Map<String, Object> webhook() {
        return Map.of("url", "http://127.0.0.1:9/hooks", "description", "HIS",
                "eventTypes", List.of("appointment.booked"));
    }

    static Map<String, Object> article(String title, String departmentId) {
        return Map.of("title", "Living with diabetes " + title, "summary", "Diet and exercise", "body", "Eat well.",
                "tags", List.of("diabetes"), "conditionCodes", List.of("E11"), "departmentIds", List.of(departmentId),
                "ageMin", 18, "ageMax", 90, "sex", "female");
    }

    /** Aimed at the world's department only, so that it reaches no other test's patients. */
    static Map<String, Object> campaign(String articleId, String departmentId) {
        return Map.of("articleId", articleId, "category", "health_education",
                "segment", Map.of("departmentId", departmentId, "conditionPrefixes", List.of("E11"), "ageMin", 18));
    }
}
