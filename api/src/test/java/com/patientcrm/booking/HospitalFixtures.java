package com.patientcrm.booking;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What a hospital system pushes before patients can book: a department, a doctor, slots. Through the real API. */
public final class HospitalFixtures {

    private final WebTestClient http;
    private final String token;

    public HospitalFixtures(WebTestClient http, String clientToken) {
        this.http = http;
        this.token = clientToken;
    }

    public record Seeded(String departmentExternalId, UUID departmentId, String doctorExternalId, UUID doctorId) {}

    public Seeded departmentAndDoctor(String timeZone, int horizonDays) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<?, ?> department = put("/integration/v1/departments/dep-" + suffix, Map.of("name", "Cardiology " + suffix,
                "timeZone", timeZone, "bookingHorizonDays", horizonDays, "minNoticeMinutes", 60, "version", 1));
        Map<?, ?> doctor = put("/integration/v1/doctors/doc-" + suffix, Map.of("departmentExternalId", "dep-" + suffix,
                "name", "Dr. Chen " + suffix, "title", "Chief physician", "version", 1));
        return new Seeded("dep-" + suffix, UUID.fromString((String) department.get("id")), "doc-" + suffix,
                UUID.fromString((String) doctor.get("id")));
    }

    /** Stores one slot and answers its id. */
    public UUID slot(Seeded seeded, LocalDateTime start, String timeZone, int capacity) {
        Map<?, ?> result = slots(List.of(slotItem("slot-" + UUID.randomUUID(), seeded.doctorExternalId(), start,
                timeZone, capacity, 1)));
        Map<?, ?> item = (Map<?, ?>) ((List<?>) result.get("items")).get(0);
        return UUID.fromString((String) item.get("id"));
    }

    static Map<String, Object> slotItem(String externalId, String doctor, LocalDateTime start, String zone, int capacity,
                                        long version) {
        Map<String, Object> item = new java.util.HashMap<>();
        item.put("externalId", externalId);
        item.put("doctorExternalId", doctor);
        item.put("start", start.toString());
        item.put("end", start.plusMinutes(30).toString());
        item.put("timeZone", zone);
        item.put("capacity", capacity);
        item.put("visitType", "outpatient");
        item.put("feeCents", 5000);
        item.put("version", version);
        return item;
    }

    Map<?, ?> slots(List<Map<String, Object>> items) {
        return http.post().uri("/integration/v1/slots").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slots", new ArrayList<>(items)))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    Map<?, ?> put(String path, Map<String, ?> body) {
        return http.put().uri(path).headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }
}
