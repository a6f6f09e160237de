package com.patientcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DataExportIntegrationTests extends IntegrationTest {

    @Test
    void anExportHoldsEverythingAboutThePatientAndTheirFamily() {
        String phone = randomPhone();
        String token = (String) signInWithPhone(phone).get("access_token");
        http.patch().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "王芳")).exchange().expectStatus().isOk();
        UUID child = UUID.fromString((String) http.post().uri("/api/v1/me/family-members")
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", "王小明"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        String client = clientToken();
        HospitalFixtures hospital = new HospitalFixtures(http, client);
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        UUID slot = hospital.slot(seeded, LocalDateTime.now().plusDays(3).withHour(10).withMinute(0).withSecond(0)
                .withNano(0), "Asia/Shanghai", 2);
        http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot, "patientId", child))
                .exchange().expectStatus().isCreated();
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("language", "en"))
                .exchange().expectStatus().isOk();
        String report = "lab-" + UUID.randomUUID();
        http.post().uri("/integration/v1/reports").headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("externalId", report, "patientId", child,
                        "kind", "LAB", "title", "Glucose", "issuedAt", "2026-11-01T08:00:00Z", "status", "FINAL",
                        "version", 1, "items", java.util.List.of(Map.of("code", "GLU", "name", "Glucose", "value", "7.9",
                                "unit", "mmol/L", "abnormal", "H"))))
                .exchange().expectStatus().isOk();
        http.put().uri("/integration/v1/reports/{ext}/pdf", report).headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_PDF).bodyValue("%PDF-1.7 glucose".getBytes())
                .exchange().expectStatus().isOk();

        Map<?, ?> started = http.post().uri("/api/v1/me/data-export").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isAccepted()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) started.get("id");
        assertThat(started.get("status")).isEqualTo("PENDING");
        // Asking again while it is being written answers the same export.
        http.post().uri("/api/v1/me/data-export").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.id").isEqualTo(id);

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "READY".equals(http.get().uri("/api/v1/me/data-export/{id}", id).headers(h -> h.setBearerAuth(token))
                        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                        .get("status")));
        byte[] body = http.get().uri("/api/v1/me/data-export/{id}/download", id).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectHeader().value("Content-Disposition", v -> assertThat(v).startsWith("attachment"))
                .expectBody().returnResult().getResponseBody();
        JsonNode export = JsonMapper.builder().build().readTree(body);
        assertThat(export.get("profile").get("name").asString()).isEqualTo("王芳");
        assertThat(export.get("profile").get("phone").asString()).isEqualTo(phone);
        assertThat(export.get("familyMembers").get(0).get("name").asString()).isEqualTo("王小明");
        assertThat(export.get("appointments")).hasSize(1);
        assertThat(export.get("appointments").get(0).get("patient_id").asString()).isEqualTo(child.toString());
        assertThat(export.get("appointments").get(0).has("person_key")).isFalse();
        assertThat(export.get("appointmentStatusHistory")).hasSize(1);
        assertThat(export.get("preferences").get("language").asString()).isEqualTo("en");
        assertThat(export.get("notifications").size()).isGreaterThanOrEqualTo(1);
        assertThat(export.get("reports")).hasSize(1);
        JsonNode glucose = export.get("reports").get(0);
        assertThat(glucose.get("patient_id").asString()).isEqualTo(child.toString());
        assertThat(glucose.get("versions").get(0).get("content").get("items").get(0).get("value").asString())
                .isEqualTo("7.9");
        // The PDF by reference: its size, checksum and where to download it, not its bytes.
        assertThat(glucose.get("pdf").get("size_bytes").asInt()).isEqualTo(16);
        assertThat(glucose.get("pdf").get("download_path").asString())
                .isEqualTo("/api/v1/reports/" + glucose.get("id").asString() + "/pdf");
        assertThat(glucose.get("pdf").has("content")).isFalse();
        assertThat(export.get("accessLog")).isNotNull();
        assertThat(export.get("consents")).isNotNull();

        // The download itself is audited.
        Long audited = db.sql("select count(*) as n from app.audit_events where resource = 'data-export' "
                        + "and resource_id = :id").bind("id", id)
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
        assertThat(audited).isEqualTo(1);

        // Another account cannot see it; an expired export is gone.
        String other = patientToken();
        http.get().uri("/api/v1/me/data-export/{id}", id).headers(h -> h.setBearerAuth(other)).exchange()
                .expectStatus().isNotFound();
        http.get().uri("/api/v1/me/data-export/{id}/download", id).headers(h -> h.setBearerAuth(other)).exchange()
                .expectStatus().isNotFound();
        db.sql("update app.data_exports set expires_at = now() - interval '1 second' where id = :id")
                .bind("id", UUID.fromString(id)).then().block(Duration.ofSeconds(5));
        http.get().uri("/api/v1/me/data-export/{id}", id).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("EXPIRED")
                .jsonPath("$.downloadUrl").doesNotExist();
        http.get().uri("/api/v1/me/data-export/{id}/download", id).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isEqualTo(410)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:export-expired");
    }
}
