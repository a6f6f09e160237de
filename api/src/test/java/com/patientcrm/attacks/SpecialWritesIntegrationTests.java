package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.inbox.WeChatPushes;
import com.patientcrm.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mass assignment on the three write routes that do not take our JSON: the token endpoint (a form), FHIR
 * transactions (FHIR JSON, parsed strictly by HAPI) and WeChat's message push (WeChat's own, signed JSON).
 */
class SpecialWritesIntegrationTests extends IntegrationTest {

    static final Set<String> OPERATIONS = Set.of("POST /oauth2/token", "POST /fhir/r4", "POST /wechat/v1/messages");

    @Test
    void theTokenEndpointGrantsNoClaimAndNoScopeTheClientDoesNotHold() {
        JsonNode claims = claims(token("his-test", CLIENT_SECRET, "grant_type=client_credentials&scope=slots:write"
                + "&roles=ADMIN&kind=staff&sub=attacker&aud=elsewhere&iss=https://evil.example&client_id=his-test"));
        assertThat(claims.path("kind").asString()).isEqualTo("client");
        assertThat(claims.path("sub").asString()).isEqualTo(CLIENT_ID);
        assertThat(claims.path("scope").asString()).isEqualTo("slots:write");
        assertThat(claims.has("roles")).isFalse();
        assertThat(claims.path("iss").asString()).doesNotContain("evil");
        assertThat(claims.path("aud").toString()).doesNotContain("elsewhere");

        // A client holding only visits:read asks for more: refused, not widened.
        String narrow = "his-attack-narrow";
        db.sql("insert into auth.clients (client_id, secret_hash, scopes, name) values (:id, :hash, :scopes, 'attack suite') "
                        + "on conflict (client_id) do nothing")
                .bind("id", narrow).bind("hash", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("narrow-secret"))
                .bind("scopes", new String[] {"visits:read"}).then().block(Duration.ofSeconds(5));
        http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(narrow, "narrow-secret"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials&scope=visits:write")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_scope");
        assertThat(claims(token(narrow, "narrow-secret", "grant_type=client_credentials")).path("scope").asString())
                .isEqualTo("visits:read");
        // Another client's id in the form than in the credentials: the credentials decide whose token it is.
        JsonNode other = claims(token(narrow, "narrow-secret", "grant_type=client_credentials&client_id=his-test"));
        assertThat(other.path("sub").asString()).isEqualTo(narrow);
        assertThat(other.path("scope").asString()).isEqualTo("visits:read");
    }

    @Test
    void aFhirTransactionWithAnUnknownElementIsRefusedWhole() {
        String doctor = new com.patientcrm.booking.HospitalFixtures(http, clientToken())
                .departmentAndDoctor(Fixtures.ZONE, 14).doctorExternalId();
        String schedule = "sched-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> extras = MassAssignmentIntegrationTests.extras(UUID.randomUUID());
        extras.remove("id"); // a FHIR resource's own element
        for (Map.Entry<String, Object> extra : extras.entrySet()) {
            ObjectNode bundle = transaction(schedule, doctor);
            ((ObjectNode) bundle.at("/entry/0/resource")).set(extra.getKey(), Probe.JSON.valueToTree(extra.getValue()));
            fhir(bundle).expectStatus().isBadRequest().expectBody().jsonPath("$.resourceType").isEqualTo("OperationOutcome");
        }
        assertThat(schedules(schedule)).isZero();
        fhir(transaction(schedule, doctor)).expectStatus().isOk().expectBody().jsonPath("$.type")
                .isEqualTo("transaction-response");
        assertThat(schedules(schedule)).isOne();
    }

    @Test
    void aSignedWeChatPushNamesNoPatientOfItsOwn() {
        UUID victim = UUID.fromString(http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id").toString());
        long msgId = WeChatPushes.msgId();
        Map<String, Object> message = new LinkedHashMap<>(WeChatPushes.text("o-stranger-" + UUID.randomUUID(), msgId, "你好"));
        message.putAll(MassAssignmentIntegrationTests.extras(victim));
        http.post().uri(WeChatPushes.plain(WeChatPushes.now(), null)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(message).exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("success");

        List<Map<String, Object>> stored = db.sql("select patient_id, subject_id, payload::text as payload "
                        + "from notifications.outbox where dedupe_key = :key")
                .bind("key", "wechat.inbound:" + msgId).fetch().all().collectList().block(Duration.ofSeconds(5));
        assertThat(stored).singleElement().satisfies(row -> {
            assertThat(row.get("patient_id")).isNull();
            assertThat(row.get("subject_id")).isNull();
            assertThat((String) row.get("payload")).doesNotContain(victim.toString())
                    .doesNotContain(MassAssignmentIntegrationTests.SENTINEL.toString()).doesNotContain("ADMIN");
        });
    }

    private long schedules(String id) {
        return db.sql("select count(*) as n from app.fhir_schedules where fhir_id = :id").bind("id", id)
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }

    private String token(String client, String secret, String form) {
        return (String) http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(client, secret))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(form)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("access_token");
    }

    private static JsonNode claims(String jwt) {
        return Probe.JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static ObjectNode transaction(String schedule, String doctor) {
        return (ObjectNode) Probe.JSON.readTree("""
                {"resourceType": "Bundle", "type": "transaction", "entry": [{
                  "fullUrl": "urn:uuid:%s",
                  "resource": {"resourceType": "Schedule", "id": "%s", "meta": {"lastUpdated": "2026-01-01T00:00:00Z"},
                               "actor": [{"reference": "Practitioner/%s"}]},
                  "request": {"method": "PUT", "url": "Schedule/%s"}}]}
                """.formatted(UUID.randomUUID(), schedule, doctor, schedule));
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec fhir(JsonNode bundle) {
        return http.post().uri("/fhir/r4").headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue(bundle.toString()).exchange();
    }
}
