package com.patientcrm.privacy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Consent documents through the admin API. Every live document gates every patient of the shared test context, so
 * tests that create documents retire them all again afterwards ({@link #retireAll()}).
 */
final class ConsentDocumentsFixture {

    private final WebTestClient http;
    private final String admin;

    ConsentDocumentsFixture(WebTestClient http, String adminToken) {
        this.http = http;
        this.admin = adminToken;
    }

    UUID document(String kind) {
        Map<?, ?> created = http.post().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("kind", kind, "title", Map.of("zh-CN", "隐私政策", "en", "Privacy policy")))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return UUID.fromString((String) created.get("id"));
    }

    int version(UUID document, boolean required) {
        return version(document, required, null);
    }

    int version(UUID document, boolean required, String effectiveAt) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("text", Map.of("zh-CN", "我们如何处理您的数据……", "en", "How we process your data..."));
        body.put("required", required);
        if (effectiveAt != null) {
            body.put("effectiveAt", effectiveAt);
        }
        Map<?, ?> version = http.post().uri("/staff/v1/consent-documents/{id}/versions", document)
                .headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return (Integer) version.get("version");
    }

    void decide(String patient, UUID document, int version, boolean granted) {
        http.post().uri("/api/v1/me/consents").headers(h -> h.setBearerAuth(patient))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("documentId", document, "version", version, "granted", granted))
                .exchange().expectStatus().isCreated();
    }

    void retireAll() {
        List<?> documents = http.get().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        for (Object document : documents) {
            Map<?, ?> d = (Map<?, ?>) document;
            if (d.get("retiredAt") == null) {
                http.post().uri("/staff/v1/consent-documents/{id}/retire", d.get("id"))
                        .headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().isOk();
            }
        }
    }
}
