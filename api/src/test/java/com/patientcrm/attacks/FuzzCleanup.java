package com.patientcrm.attacks;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every test class shares one database: after the fuzz, what it made that reaches beyond its own patient goes. Live
 * consent documents gate every patient, active surveys invite every patient of their department (a variation may
 * have widened one to all departments), and the test client's webhook endpoints receive every booking's events.
 */
record FuzzCleanup(WebTestClient http, DatabaseClient db, FuzzWorld world, Instant since) {

    void run() {
        retireConsentDocuments();
        db.sql("update app.surveys set active = false where created_at >= :since").bind("since", since)
                .then().block(Duration.ofSeconds(10));
        deleteWebhookEndpoints();
    }

    private void retireConsentDocuments() {
        List<?> documents = http.get().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(world.staffToken()))
                .exchange().expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        for (Object document : documents) {
            Map<?, ?> d = (Map<?, ?>) document;
            if (d.get("retiredAt") == null) {
                http.post().uri("/staff/v1/consent-documents/{id}/retire", d.get("id"))
                        .headers(h -> h.setBearerAuth(world.staffToken())).exchange().expectStatus().isOk();
            }
        }
    }

    private void deleteWebhookEndpoints() {
        Map<?, ?> page = http.get().uri("/integration/v1/webhook-endpoints").headers(h -> h.setBearerAuth(world.clientToken()))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        for (Object item : (List<?>) page.get("items")) {
            Map<?, ?> endpoint = (Map<?, ?>) item;
            if (!OffsetDateTime.parse((String) endpoint.get("createdAt")).toInstant().isBefore(since)) {
                http.delete().uri("/integration/v1/webhook-endpoints/{id}", endpoint.get("id"))
                        .headers(h -> h.setBearerAuth(world.clientToken())).exchange().expectStatus().isNoContent();
            }
        }
    }
}
