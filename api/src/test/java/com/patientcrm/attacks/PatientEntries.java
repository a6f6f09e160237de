package com.patientcrm.attacks;

import static com.patientcrm.attacks.Fixtures.body;

import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Matrix entries for what a patient owns on /api/v1: made as patient A, attacked by everyone else. */
final class PatientEntries {

    private PatientEntries() {
    }

    static List<Entry> all() {
        return List.of(familyMembers(), appointments(), waitlist(), inbox(), devices(), dataExports(), feedback(),
                ReportEntries.patientReports(), SurveyEntries.invitations(), ArticleEntries.forPatients());
    }

    private static Entry familyMembers() {
        String path = "/api/v1/me/family-members/{id}";
        return new Entry("family members", List.of("GET " + path, "PATCH " + path, "DELETE " + path), fx -> {
            String owner = fx.patient();
            String id = fx.expect(201, "POST", "/api/v1/me/family-members", Map.of("relationship", "child", "name", "李小华",
                    "gender", "female", "birthDate", "2015-03-02"), owner).get("id").asString();
            return List.of(new Case("a family member", Map.of("id", id), owner,
                    List.of(new Op("GET", path, null, 200), new Op("PATCH", path, Map.of("name", "李小红"), 200),
                            new Op("DELETE", path, null, 204)),
                    fx.onPatientObject(), fx.readBack("/api/v1/me/family-members/" + id, owner)));
        });
    }

    private static Entry appointments() {
        String path = "/api/v1/appointments/{id}";
        return new Entry("appointments", List.of("GET " + path, "POST " + path + "/reschedule", "POST " + path + "/cancel"), fx -> {
            String owner = fx.patient();
            String id = fx.book(owner, fx.slot(3)).get("id").asString();
            UUID elsewhere = fx.slot(3).id();
            return List.of(new Case("an appointment", Map.of("id", id), owner,
                    List.of(new Op("GET", path, null, 200),
                            new Op("POST", path + "/reschedule", Map.of("slotId", elsewhere), 200),
                            new Op("POST", path + "/cancel", null, 200)),
                    fx.onPatientObject(), fx.readBack("/api/v1/appointments/" + id, owner)));
        });
    }

    /** A hold (claimed by the owner at last) and a plain waiting entry (left by the owner at last). */
    private static Entry waitlist() {
        String path = "/api/v1/waitlist/{id}";
        return new Entry("waitlist entries", List.of("POST " + path + "/claim", "DELETE " + path), fx -> {
            String owner = fx.patient();
            String taker = fx.patient();
            String hold = null;
            // The test configuration lets a hold lapse in 3 s; this one must last until the attacks are over. On a
            // machine stalled for longer than that, the hold has already passed on: make another.
            for (int attempt = 0; attempt < 3 && hold == null; attempt++) {
                Fixtures.Slot freed = fx.slot(1);
                String taken = fx.book(taker, freed).get("id").asString();
                String entry = join(fx, owner, freed);
                fx.expect(200, "POST", "/api/v1/appointments/" + taken + "/cancel", null, taker);
                if (fx.sql("update app.waitlist_entries set hold_expires_at = now() + interval '10 minutes' "
                        + "where id = :id and status = 'OFFERED'", "id", UUID.fromString(entry)) == 1) {
                    hold = entry;
                }
            }
            if (hold == null) {
                throw new IllegalStateException("no waitlist hold lasted long enough to be extended");
            }
            Fixtures.Slot full = fx.slot(1);
            fx.book(taker, full);
            String waiting = join(fx, owner, full);
            return List.of(
                    new Case("a waitlist hold", Map.of("id", hold), owner, List.of(new Op("POST", path + "/claim", null, 201)),
                            fx.onPatientObject(), fx.readBackItem("/api/v1/waitlist", "", hold, owner)),
                    new Case("a waitlist entry", Map.of("id", waiting), owner, List.of(new Op("DELETE", path, null, 204)),
                            fx.onPatientObject(), fx.readBackItem("/api/v1/waitlist", "", waiting, owner)));
        });
    }

    private static String join(Fixtures fx, String token, Fixtures.Slot slot) {
        return fx.expect(201, "POST", "/api/v1/waitlist", Map.of("doctorId", fx.seeded().doctorId(),
                "date", slot.day().toString()), token).get("id").asString();
    }

    private static Entry inbox() {
        String path = "/api/v1/me/notifications/{id}/read";
        return new Entry("notifications inbox", List.of("POST " + path), fx -> {
            String owner = fx.patient();
            fx.book(owner, fx.slot(2));
            String item = Fixtures.await("the booking confirmation in the inbox", () -> {
                var items = fx.expect(200, "GET", "/api/v1/me/notifications", null, owner).path("items");
                return items.isEmpty() ? null : items.get(0).path("id").asString();
            });
            return List.of(new Case("an inbox item", Map.of("id", item), owner, List.of(new Op("POST", path, null, 200)),
                    fx.onPatientObject(), fx.readBackItem("/api/v1/me/notifications", "/items", item, owner)));
        });
    }

    private static Entry devices() {
        String path = "/api/v1/me/devices/{id}";
        return new Entry("devices", List.of("DELETE " + path), fx -> {
            String owner = fx.patient();
            String id = fx.expect(201, "POST", "/api/v1/me/devices", Map.of("token", "fcm-attack-" + UUID.randomUUID(),
                    "platform", "android"), owner).get("id").asString();
            return List.of(new Case("a device", Map.of("id", id), owner, List.of(new Op("DELETE", path, null, 204)),
                    fx.onPatientObject(), fx.readBackItem("/api/v1/me/devices", "", id, owner)));
        });
    }

    private static Entry dataExports() {
        String path = "/api/v1/me/data-export/{id}";
        return new Entry("data exports", List.of("GET " + path, "GET " + path + "/download"), fx -> {
            String owner = fx.patient();
            String id = fx.expect(202, "POST", "/api/v1/me/data-export", null, owner).get("id").asString();
            Fixtures.await("the export written", () -> "READY".equals(fx.expect(200, "GET", "/api/v1/me/data-export/" + id,
                    null, owner).path("status").asString()) ? id : null);
            return List.of(new Case("a data export", Map.of("id", id), owner,
                    List.of(new Op("GET", path, null, 200), new Op("GET", path + "/download", null, 200)),
                    fx.onPatientObject(), null));
        });
    }

    private static Entry feedback() {
        String path = "/api/v1/feedback/{id}";
        return new Entry("feedback (patient)", List.of("GET " + path), fx -> {
            String owner = fx.patient();
            String id = fx.expect(201, "POST", "/api/v1/feedback", body("category", "complaint",
                    "message", "The signs to the clinic were hard to follow."), owner).get("id").asString();
            return List.of(new Case("a feedback ticket", Map.of("id", id), owner, List.of(new Op("GET", path, null, 200)),
                    fx.onPatientObject(), null));
        });
    }
}
