package com.patientcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class ConsentIntegrationTests extends IntegrationTest {

    private ConsentDocumentsFixture documents;

    @BeforeEach
    void setUp() {
        documents = new ConsentDocumentsFixture(http, staffToken());
    }

    @AfterEach
    void retireDocuments() {
        documents.retireAll();
    }

    @Test
    void withoutRequiredDocumentsThereIsNoGate() {
        String patient = patientToken();
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isOk();
        UUID marketing = documents.document("marketing");
        documents.version(marketing, false);
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isOk();
    }

    @Test
    void theGateHoldsPatientsUntilTheyAcceptTheCurrentVersionAndAgainAfterANewOne() {
        String patient = patientToken();
        UUID policy = documents.document("privacy_policy");
        documents.version(policy, true);

        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:patientcrm:problem:consent-required")
                .jsonPath("$.missing[0].documentId").isEqualTo(policy.toString())
                .jsonPath("$.missing[0].kind").isEqualTo("privacy_policy")
                .jsonPath("$.missing[0].version").isEqualTo(1);
        // What the patient needs to decide stays open.
        http.get().uri("/api/v1/consent-documents").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[0].documentId").isEqualTo(policy.toString())
                .jsonPath("$[0].text['zh-CN']").isEqualTo("我们如何处理您的数据……")
                .jsonPath("$[0].required").isEqualTo(true);

        documents.decide(patient, policy, 1, true);
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isOk();

        documents.version(policy, true);
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.missing[0].version").isEqualTo(2);
        http.post().uri("/api/v1/me/consents").headers(h -> h.setBearerAuth(patient))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("documentId", policy, "version", 1, "granted", true))
                .exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:consent-version-not-current")
                .jsonPath("$.currentVersion").isEqualTo(2);
        documents.decide(patient, policy, 2, true);
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isOk();
    }

    @Test
    void withdrawalTakesEffectAtOnceAndTheLedgerKeepsEveryDecision() {
        String patient = patientToken();
        UUID policy = documents.document("privacy_policy");
        documents.version(policy, true);
        documents.decide(patient, policy, 1, true);
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isOk();

        http.post().uri("/api/v1/me/consents").headers(h -> {
                    h.setBearerAuth(patient);
                    h.set("User-Agent", "PatientApp/3.1 (iOS 18)");
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("documentId", policy, "version", 1, "granted", false, "channel", "mini_program"))
                .exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.granted").isEqualTo(false).jsonPath("$.channel").isEqualTo("mini_program");
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isForbidden();

        http.get().uri("/api/v1/me/consents").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isOk()
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody()
                .jsonPath("$.history.length()").isEqualTo(2)
                .jsonPath("$.history[0].granted").isEqualTo(false)
                .jsonPath("$.history[1].granted").isEqualTo(true)
                .jsonPath("$.decisions[0].granted").isEqualTo(false)
                .jsonPath("$.decisions[0].upToDate").isEqualTo(true)
                .jsonPath("$.missing[0].documentId").isEqualTo(policy.toString());

        List<Map<String, Object>> rows = db.sql("select r.granted, r.channel, r.client_ip, r.user_agent from "
                        + "app.consent_records r join app.patients p on p.id = r.patient_id "
                        + "join auth.patient_accounts a on a.id = p.account_id where r.document_id = :d order by r.id")
                .bind("d", policy).fetch().all().collectList().block(Duration.ofSeconds(5));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).containsEntry("granted", false).containsEntry("channel", "mini_program")
                .containsEntry("user_agent", "PatientApp/3.1 (iOS 18)");
        assertThat(rows.get(1).get("client_ip")).isNotNull();
    }

    @Test
    void theLedgerAndPublishedVersionsCannotBeRewritten() {
        String patient = patientToken();
        UUID policy = documents.document("privacy_policy");
        documents.version(policy, true);
        documents.decide(patient, policy, 1, true);

        for (String sql : List.of("update app.consent_records set granted = false where document_id = :d",
                "delete from app.consent_records where document_id = :d",
                "update app.consent_versions set text_en = 'changed' where document_id = :d",
                "delete from app.consent_versions where document_id = :d")) {
            assertThatThrownBy(() -> db.sql(sql).bind("d", policy).fetch().rowsUpdated().block(Duration.ofSeconds(5)))
                    .as(sql).hasMessageContaining("append-only");
        }
        assertThatThrownBy(() -> db.sql("truncate app.consent_records").then().block(Duration.ofSeconds(5)))
                .hasMessageContaining("append-only");
        // Erasure may blank the personal details of a row, and nothing else.
        Long blanked = db.sql("update app.consent_records set client_ip = null, user_agent = null where document_id = :d")
                .bind("d", policy).fetch().rowsUpdated().block(Duration.ofSeconds(5));
        assertThat(blanked).isEqualTo(1);
    }

    @Test
    void aVersionAnnouncedForLaterAppliesOnlyFromItsEffectiveTime() {
        String patient = patientToken();
        UUID policy = documents.document("privacy_policy");
        documents.version(policy, true);
        documents.decide(patient, policy, 1, true);
        String later = OffsetDateTime.now(ZoneOffset.UTC).plusDays(7).toString();
        assertThat(documents.version(policy, true, later)).isEqualTo(2);

        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange().expectStatus().isOk();
        http.get().uri("/api/v1/consent-documents").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectBody().jsonPath("$[0].version").isEqualTo(1);
        http.get().uri("/staff/v1/consent-documents/{id}", policy).headers(h -> h.setBearerAuth(staffToken())).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.currentVersion").isEqualTo(1).jsonPath("$.versions.length()").isEqualTo(2);
        http.post().uri("/api/v1/me/consents").headers(h -> h.setBearerAuth(patient))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("documentId", policy, "version", 2, "granted", true))
                .exchange().expectStatus().isEqualTo(409);
    }

    @Test
    void adminRulesAndValidation() {
        String admin = staffToken();
        UUID policy = documents.document("privacy_policy");
        http.post().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("kind", "privacy_policy", "title", Map.of("zh-CN", "再来", "en", "Again")))
                .exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:consent-document-exists");
        http.post().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("kind", "horoscopes", "title", Map.of("zh-CN", "星座", "en", "Stars")))
                .exchange().expectStatus().isBadRequest();
        http.post().uri("/staff/v1/consent-documents/{id}/versions", policy).headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", Map.of("zh-CN", "旧", "en", "Old"), "required", true,
                        "effectiveAt", OffsetDateTime.now(ZoneOffset.UTC).minusDays(1).toString()))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("effectiveAt");
        http.post().uri("/staff/v1/consent-documents/{id}/versions", UUID.randomUUID())
                .headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", Map.of("zh-CN", "新", "en", "New"), "required", true))
                .exchange().expectStatus().isNotFound();

        http.post().uri("/staff/v1/consent-documents/{id}/retire", policy).headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.retiredAt").isNotEmpty();
        http.post().uri("/staff/v1/consent-documents/{id}/versions", policy).headers(h -> h.setBearerAuth(admin))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", Map.of("zh-CN", "新", "en", "New"), "required", true))
                .exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:consent-document-retired");
    }

    @Test
    void onlyAdminsManageDocuments() {
        String agent = staffToken("agent-7", "FEEDBACK_AGENT", "CONTENT_EDITOR");
        http.get().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(agent)).exchange()
                .expectStatus().isForbidden();
        http.get().uri("/staff/v1/consent-documents").headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isForbidden();
        http.get().uri("/staff/v1/consent-documents").exchange().expectStatus().isUnauthorized();
    }
}
