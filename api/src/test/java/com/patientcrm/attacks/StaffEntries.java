package com.patientcrm.attacks;

import static com.patientcrm.attacks.Fixtures.body;

import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Matrix entries for /staff/v1 objects: made by staff of the right role, attacked by everyone else. */
final class StaffEntries {

    private static final Set<String> KINDS = Set.of("privacy_policy", "sensitive_health_data", "marketing", "research",
            "third_party_sharing");

    private StaffEntries() {
    }

    static List<Entry> all() {
        return List.of(tickets(), patient360(), consentDocuments(), carePlans(), resends(), SurveyEntries.definitions(),
                ArticleEntries.forEditors(), ArticleEntries.campaigns());
    }

    private static Entry tickets() {
        String path = "/staff/v1/feedback/{id}";
        return new Entry("feedback tickets (staff)", List.of("GET " + path, "POST " + path + "/assign", "POST " + path + "/notes",
                "PUT " + path + "/tags", "POST " + path + "/replies", "POST " + path + "/status"), fx -> {
            String patient = fx.patient();
            // A complaint: its SLA (8 h) does not run out while the test reads it back.
            String id = fx.expect(201, "POST", "/api/v1/feedback", body("category", "complaint",
                    "message", "Nobody answered the phone at the front desk."), patient).get("id").asString();
            String subject = "manager-" + UUID.randomUUID();
            String manager = Fixtures.staff("FEEDBACK_MANAGER", subject);
            return List.of(new Case("a ticket", Map.of("id", id), manager,
                    List.of(new Op("GET", path, null, 200), new Op("POST", path + "/assign", Map.of("assignee", subject), 200),
                            new Op("POST", path + "/notes", Map.of("body", "Called back."), 200),
                            new Op("PUT", path + "/tags", Map.of("tags", List.of("phone")), 200),
                            new Op("POST", path + "/replies", Map.of("message", "We are sorry; we have fixed the line."), 200),
                            new Op("POST", path + "/status", Map.of("status", "RESOLVED"), 200)),
                    fx.onStaffObject(patient, "CONTENT_EDITOR"), fx.readBack("/staff/v1/feedback/" + id, manager)));
        });
    }

    private static Entry patient360() {
        String path = "/staff/v1/patients/{id}";
        return new Entry("patient 360° view", List.of("GET " + path), fx -> {
            String patient = fx.patient();
            return List.of(new Case("a patient", Map.of("id", fx.self(patient)), Fixtures.staff("FEEDBACK_AGENT"),
                    List.of(new Op("GET", path, null, 200)), fx.onStaffObject(patient, "CONTENT_EDITOR"), null));
        });
    }

    /** A document of a kind nobody keeps a live one of now, never required: it gates no patient while it lives. */
    private static Entry consentDocuments() {
        String path = "/staff/v1/consent-documents/{id}";
        return new Entry("consent documents", List.of("GET " + path, "POST " + path + "/versions", "POST " + path + "/retire"), fx -> {
            String admin = Fixtures.staff("ADMIN");
            String id = fx.expect(201, "POST", "/staff/v1/consent-documents", Map.of("kind", freeConsentKind(fx, admin),
                    "title", TEXT), admin).get("id").asString();
            return List.of(new Case("a consent document", Map.of("id", id), admin,
                    List.of(new Op("GET", path, null, 200),
                            new Op("POST", path + "/versions", Map.of("text", TEXT, "required", false), 201),
                            new Op("POST", path + "/retire", null, 200)),
                    fx.onStaffObject(fx.patient(), "FEEDBACK_MANAGER"), fx.readBack("/staff/v1/consent-documents/" + id, admin)));
        });
    }

    static final Map<String, String> TEXT = Map.of("zh-CN", "研究用途说明", "en", "How research uses data");

    /** A kind of consent document nobody keeps a live one of now (one live document per kind). */
    static String freeConsentKind(Fixtures fx, String admin) {
        Set<String> live = new java.util.HashSet<>();
        fx.expect(200, "GET", "/staff/v1/consent-documents", null, admin).forEach(d -> {
            if (d.path("retiredAt").isNull()) {
                live.add(d.path("kind").asString());
            }
        });
        return KINDS.stream().filter(k -> !live.contains(k)).sorted().findFirst().orElseThrow();
    }

    private static Entry carePlans() {
        String path = "/staff/v1/care-plans/{id}/end";
        return new Entry("care plans (staff)", List.of("POST " + path), fx -> {
            String patient = fx.patient();
            UUID patientId = fx.self(patient);
            String coordinator = Fixtures.staff("CARE_COORDINATOR");
            String id = fx.expect(201, "POST", "/staff/v1/care-plans", Map.of("patientId", patientId,
                    "templateCode", "diabetes-review"), coordinator).get("id").asString();
            return List.of(new Case("a care plan", Map.of("id", id), coordinator, List.of(new Op("POST", path, null, 200)),
                    fx.onStaffObject(patient, "FEEDBACK_MANAGER"),
                    fx.readBackItem("/staff/v1/care-plans?patientId=" + patientId, "", id, coordinator)));
        });
    }

    /** A reminder of the patient's booking that the dispatcher gave up on (as after 6 failed attempts). */
    private static Entry resends() {
        String path = "/staff/v1/notifications/{id}/resend";
        return new Entry("notification resend", List.of("POST " + path), fx -> {
            String patient = fx.patient();
            UUID appointment = UUID.fromString(fx.book(patient, fx.slot(3)).get("id").asString());
            UUID reminder = fx.uuid("select id from notifications.outbox where topic = 'appointment.reminder' "
                    + "and subject_id = :id order by due_at", "id", appointment);
            fx.sql("with gone as (delete from notifications.outbox_queue where id = :id) update notifications.outbox set "
                    + "status = 'dead', attempts = 6, last_error = 'gave up after 6 attempts' where id = :id", "id", reminder);
            String agent = Fixtures.staff("FEEDBACK_AGENT");
            return List.of(new Case("a dead letter", Map.of("id", reminder), agent, List.of(new Op("POST", path, null, 200)),
                    fx.onStaffObject(patient, "CONTENT_EDITOR"), fx.readBackItem("/staff/v1/notifications?patientId="
                            + fx.self(patient) + "&status=dead", "/items", reminder, agent)));
        });
    }
}
