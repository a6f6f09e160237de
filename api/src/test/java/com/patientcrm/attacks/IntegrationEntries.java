package com.patientcrm.attacks;

import com.patientcrm.attacks.Matrix.Attacker;
import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import com.patientcrm.booking.HospitalFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Matrix entries for /integration/v1 objects. The catalogue, visits and reports are the hospital's, pushed by any of
 * its systems holding the capability's scope; webhook endpoints belong to the client that registered them, and
 * another client finds nothing there.
 */
final class IntegrationEntries {

    private IntegrationEntries() {
    }

    static List<Entry> all() {
        return List.of(departments(), doctors(), sessions(), visits(), ReportEntries.hospitalPdf(), webhookEndpoints());
    }

    private static Entry departments() {
        String path = "/integration/v1/departments/{externalId}";
        return new Entry("departments (hospital)", List.of("PUT " + path), fx -> {
            HospitalFixtures.Seeded seeded = fx.seeded();
            String patient = fx.patient();
            Map<String, Object> upsert = Map.of("name", "Renamed", "timeZone", Fixtures.ZONE, "bookingHorizonDays", 14,
                    "minNoticeMinutes", 60, "version", 2);
            return List.of(new Case("a department", Map.of("externalId", seeded.departmentExternalId()), fx.client(),
                    List.of(new Op("PUT", path, upsert, 200)), fx.onHospitalData(patient, "visits:read"),
                    fx.readBackItem("/api/v1/departments", "", seeded.departmentId(), patient)));
        });
    }

    private static Entry doctors() {
        String path = "/integration/v1/doctors/{externalId}";
        return new Entry("doctors (hospital)", List.of("PUT " + path), fx -> {
            HospitalFixtures.Seeded seeded = fx.seeded();
            String patient = fx.patient();
            Map<String, Object> upsert = Map.of("departmentExternalId", seeded.departmentExternalId(), "name", "Dr. Renamed",
                    "title", "Attending physician", "version", 2);
            return List.of(new Case("a doctor", Map.of("externalId", seeded.doctorExternalId()), fx.client(),
                    List.of(new Op("PUT", path, upsert, 200)), fx.onHospitalData(patient, "visits:read"),
                    fx.readBackItem("/api/v1/doctors?departmentId=" + seeded.departmentId(), "", seeded.doctorId(), patient)));
        });
    }

    private static Entry sessions() {
        String path = "/integration/v1/doctors/{externalId}/sessions/cancel";
        String reopen = "/integration/v1/doctors/{externalId}/sessions/reopen";
        return new Entry("doctor sessions (hospital)", List.of("POST " + path, "POST " + reopen), fx -> {
            HospitalFixtures.Seeded seeded = fx.seeded();
            Fixtures.Slot slot = fx.slot(2);
            String patient = fx.patient();
            String slots = "/api/v1/slots?doctorId=" + seeded.doctorId() + "&from=" + slot.day() + "&to=" + slot.day();
            return List.of(new Case("a doctor's session", Map.of("externalId", seeded.doctorExternalId()), fx.client(),
                    List.of(new Op("POST", path, Map.of("date", slot.day().toString(), "reason", "doctor ill"), 200),
                            new Op("POST", reopen, Map.of("date", slot.day().toString()), 200)),
                    fx.onHospitalData(patient, "visits:write"), fx.readBack(slots, patient)));
        });
    }

    private static Entry visits() {
        String path = "/integration/v1/appointments/{id}";
        return new Entry("visit outcomes (hospital)", List.of("PATCH " + path), fx -> {
            String patient = fx.patient();
            String id = fx.book(patient, fx.slot(2)).get("id").asString();
            com.patientcrm.support.VisitTime.arrive(fx.db, java.util.UUID.fromString(id));
            return List.of(new Case("an appointment's visit", Map.of("id", id), fx.client(),
                    List.of(new Op("PATCH", path, Map.of("status", "CHECKED_IN"), 200)),
                    fx.onHospitalData(patient, "visits:read"), fx.readBack("/api/v1/appointments/" + id, patient)));
        });
    }

    private static Entry webhookEndpoints() {
        String path = "/integration/v1/webhook-endpoints/{id}";
        return new Entry("webhook endpoints", List.of("GET " + path, "GET " + path + "/attempts", "PATCH " + path,
                "POST " + path + "/ping", "POST " + path + "/rotate-secret", "DELETE " + path), fx -> {
            String owner = fx.client();
            String id = fx.expect(201, "POST", "/integration/v1/webhook-endpoints", Map.of("url", "http://127.0.0.1:9/hook",
                    "eventTypes", List.of("appointment.booked")), owner).get("id").asString();
            List<Attacker> attackers = new ArrayList<>(fx.onHospitalData(fx.patient(), "slots:write"));
            attackers.add(0, new Attacker("another hospital client", "client", fx.otherClient(), 404));
            return List.of(new Case("a webhook endpoint", Map.of("id", id), owner,
                    List.of(new Op("GET", path, null, 200), new Op("GET", path + "/attempts", null, 200),
                            new Op("PATCH", path, Map.of("description", "renamed"), 200),
                            new Op("POST", path + "/ping", null, 202), new Op("POST", path + "/rotate-secret", null, 200),
                            new Op("DELETE", path, null, 204)),
                    attackers, fx.readBack("/integration/v1/webhook-endpoints/" + id, owner)));
        });
    }
}
