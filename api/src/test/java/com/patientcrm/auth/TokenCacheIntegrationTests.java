package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.patientcrm.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * Each bearer token is verified once and then answered from memory, without loosening anything: a cached token
 * is refused once it expires, a token with the same claims under another signature is verified (and refused) on
 * its own, and hospital tokens follow the same rules. Hits and misses are read from the service's counters.
 */
class TokenCacheIntegrationTests extends IntegrationTest {

    @Autowired
    SigningKeys keys;

    @Autowired
    AuthProperties properties;

    @Autowired
    MeterRegistry meters;

    @Test
    void aRepeatedPatientTokenIsVerifiedOnceAndThenServedFromTheCache() {
        String token = patientToken();
        double hits = hits();
        double misses = misses();
        String first = me(token);
        assertThat(misses()).isEqualTo(misses + 1);
        assertThat(hits()).isEqualTo(hits);
        for (int i = 0; i < 3; i++) {
            assertThat(me(token)).isEqualTo(first);
        }
        assertThat(hits()).isEqualTo(hits + 3);
        assertThat(misses()).isEqualTo(misses + 1);
        assertThat(http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody())
                .containsPattern("crm_auth_token_cache_hits_total(\\{[^}]*})? [1-9]")
                .contains("crm_auth_token_cache_misses_total", "crm_auth_token_cache_size");
    }

    @Test
    void aCachedTokenIsRefusedOnceItExpires() throws Exception {
        // Expired 50 s ago: still inside the validators' 60 s of clock skew, so accepted for about ten more seconds.
        String token = sign(claims(Instant.now().minusSeconds(50)), keys.signingKey());
        staffMe(token).expectStatus().isOk();
        double hits = hits();
        staffMe(token).expectStatus().isOk();
        assertThat(hits()).isEqualTo(hits + 1);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> staffMe(token).returnResult(String.class).getStatus().value() == 401);
        expectRefused(token);
    }

    @Test
    void aTokenWithTheSameClaimsButAnotherSignatureIsRefusedWhileTheHonestOneIsCached() throws Exception {
        JWTClaimsSet claims = claims(Instant.now().plusSeconds(300));
        String honest = sign(claims, keys.signingKey());
        staffMe(honest).expectStatus().isOk();
        staffMe(honest).expectStatus().isOk();

        String foreignKey = sign(claims, new RSAKeyGenerator(2048).keyID(keys.keyId()).generate());
        expectRefused(foreignKey);
        String[] parts = honest.split("\\.");
        char flipped = parts[2].charAt(100) == 'A' ? 'B' : 'A';
        expectRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 100) + flipped + parts[2].substring(101));
        expectRefused(parts[0] + "." + parts[1] + ".");

        double hits = hits();
        staffMe(honest).expectStatus().isOk();
        assertThat(hits()).isEqualTo(hits + 1);
    }

    @Test
    void hospitalTokensShareTheCacheUnderTheSameRules() {
        String token = staffToken("nurse-" + UUID.randomUUID(), "FEEDBACK_AGENT");
        staffMe(token).expectStatus().isOk();
        double hits = hits();
        staffMe(token).expectStatus().isOk().expectBody().jsonPath("$.roles").isEqualTo(List.of("FEEDBACK_AGENT"));
        assertThat(hits()).isEqualTo(hits + 1);

        String[] parts = token.split("\\.");
        char flipped = parts[2].charAt(100) == 'A' ? 'B' : 'A';
        expectRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 100) + flipped + parts[2].substring(101));
    }

    private String me(String token) {
        return http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec staffMe(String token) {
        return http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(token)).exchange();
    }

    private void expectRefused(String token) {
        staffMe(token).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:unauthorized");
    }

    private JWTClaimsSet claims(Instant expiresAt) {
        return new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .audience(properties.audience())
                .subject(UUID.randomUUID().toString())
                .issueTime(Date.from(expiresAt.minusSeconds(600)))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .claim("kind", "staff")
                .claim("roles", List.of("ADMIN"))
                .build();
    }

    private String sign(JWTClaimsSet claims, com.nimbusds.jose.jwk.RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.keyId())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private double hits() {
        return meters.get("crm.auth.token.cache.hits").counter().count();
    }

    private double misses() {
        return meters.get("crm.auth.token.cache.misses").counter().count();
    }
}
