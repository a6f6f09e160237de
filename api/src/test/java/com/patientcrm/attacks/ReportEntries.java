package com.patientcrm.attacks;

import static com.patientcrm.attacks.Fixtures.body;

import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Lab reports: the patient's reads, and the hospital's PDF upload. */
final class ReportEntries {

    static final byte[] PDF = "%PDF-1.4\n% a report\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    private ReportEntries() {
    }

    /** A FINAL lab report of this patient, pushed by the hospital; answers our id and the hospital's. */
    static Map.Entry<String, String> push(Fixtures fx, UUID patient) {
        Map<String, Object> report = report(patient);
        String id = fx.expect(200, "POST", "/integration/v1/reports", report, fx.client()).get("id").asString();
        return Map.entry(id, (String) report.get("externalId"));
    }

    static Map<String, Object> report(UUID patient) {
        return body("externalId", "lab-" + UUID.randomUUID(), "patientId", patient, "kind", "LAB",
                "title", "Complete blood count", "issuedAt", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1).toString(),
                "status", "FINAL", "version", 1, "items", List.of(Map.of("code", "HGB", "name", "Hemoglobin",
                        "value", "13.5", "unit", "g/dL", "referenceRange", "11.5-15.0", "abnormal", "H")));
    }

    static Entry patientReports() {
        String path = "/api/v1/reports/{id}";
        return new Entry("reports", List.of("GET " + path, "GET " + path + "/versions", "GET " + path + "/pdf"), fx -> {
            String owner = fx.patient();
            Map.Entry<String, String> report = push(fx, fx.self(owner));
            fx.expect(200, "PUT", "/integration/v1/reports/" + report.getValue() + "/pdf",
                    new Probe.Raw("application/pdf", PDF), fx.client());
            return List.of(new Case("a lab report", Map.of("id", report.getKey()), owner,
                    List.of(new Op("GET", path, null, 200), new Op("GET", path + "/versions", null, 200),
                            new Op("GET", path + "/pdf", null, 200)),
                    fx.onPatientObject(), null));
        });
    }

    static Entry hospitalPdf() {
        String path = "/integration/v1/reports/{externalId}/pdf";
        return new Entry("report PDFs (hospital)", List.of("PUT " + path), fx -> {
            String patient = fx.patient();
            Map.Entry<String, String> report = push(fx, fx.self(patient));
            return List.of(new Case("a report's PDF", Map.of("externalId", report.getValue()), fx.client(),
                    List.of(new Op("PUT", path, new Probe.Raw("application/pdf", PDF), 200)),
                    fx.onHospitalData(patient, "slots:write"),
                    fx.readBack("/api/v1/reports/" + report.getKey(), patient)));
        });
    }
}
