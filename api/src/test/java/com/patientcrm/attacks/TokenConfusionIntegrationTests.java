package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.patientcrm.auth.AuthProperties;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Token attacks that the auth package's own tests ({@code TokenAttackIntegrationTests}, {@code AccessRulesIntegrationTests},
 * {@code RefreshTokenIntegrationTests}) leave out: forged tokens on every path family and on an object route (they
 * test one staff route), a hospital-issued token that claims to be a patient or a client, refresh and access tokens
 * swapped, a token in the URL, and two tokens at once. Only an attacker's means are used: the published keys.
 */
class TokenConfusionIntegrationTests extends IntegrationTest {

    private static final List<String> EVERY_FAMILY = List.of("/api/v1/me", "/api/v1/appointments/" + UUID.randomUUID(),
            "/staff/v1/me", "/integration/v1/client", "/fhir/r4/Slot?schedule=x");

    @Autowired
    AuthProperties properties;

    @Test
    void forgedTokensAreRefusedOnEveryPathFamily() throws Exception {
        Map<?, ?> jwks = http.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> published = (Map<?, ?>) ((List<?>) jwks.get("keys")).get(0);
        String kid = (String) published.get("kid");
        String victim = account(patientToken());

        String unsigned = new PlainJWT(claims(victim, "patient").build()).serialize();
        SignedJWT withPublicKey = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                claims(victim, "patient").build());
        byte[] publicKey = jwks.toString().getBytes(StandardCharsets.UTF_8);
        withPublicKey.sign(new MACSigner(Arrays.copyOf(publicKey, Math.max(64, publicKey.length))));
        SignedJWT foreignKey = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                claims(victim, "patient").build());
        foreignKey.sign(new RSASSASigner(new RSAKeyGenerator(2048).keyID(kid).generate()));
        String expiredStaff = ExternalFakes.hospitalIdp().issueToken(ExternalFakes.HOSPITAL_ISSUER_ID, "nurse-" + UUID.randomUUID(),
                STAFF_AUDIENCE, Map.of("roles", List.of("ADMIN")), -120).serialize();

        for (String token : List.of(unsigned, withPublicKey.serialize(), foreignKey.serialize(), expiredStaff)) {
            for (String path : EVERY_FAMILY) {
                refused(path, h -> h.setBearerAuth(token), 401, "anonymous");
            }
        }
    }

    @Test
    void aHospitalIssuedTokenOpensNoOtherFamilyWhateverItClaims() {
        String victim = account(patientToken());
        String token = ExternalFakes.hospitalIdp().issueToken(ExternalFakes.HOSPITAL_ISSUER_ID, victim, STAFF_AUDIENCE,
                Map.of("kind", "patient", "roles", List.of("PATIENT", "CLIENT", "ROLE_ADMIN", "STAFF"),
                        "scope", "fhir slots:write webhooks", "scp", List.of("fhir")), 300).serialize();
        for (String path : EVERY_FAMILY) {
            refused(path, h -> h.setBearerAuth(token), 403, "anonymous");
        }
    }

    @Test
    void refreshAndAccessTokensAreNotInterchangeable() {
        Map<String, Object> session = signInWithPhone(randomPhone());
        refused("/api/v1/me", h -> h.setBearerAuth((String) session.get("refresh_token")), 401, "anonymous");
        // Not even shaped like a refresh token (400), or not one we issued (401).
        http.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", session.get("access_token"))).exchange()
                .expectStatus().value(status -> assertThat(status).isIn(400, 401))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        // Neither was spent by the attempts.
        http.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", session.get("refresh_token"))).exchange().expectStatus().isOk();
    }

    @Test
    void aTokenIsReadFromTheAuthorizationHeaderOnlyAndOnlyOnce() {
        String token = patientToken();
        // URLs end up in logs and browser histories: a token there is not looked at.
        refused("/api/v1/me?access_token=" + token, h -> { }, 401, "anonymous");
        http.post().uri("/api/v1/me/devices").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("access_token=" + token + "&token=x&platform=ios").exchange().expectStatus().isUnauthorized();
        http.get().uri("/api/v1/me").headers(h -> h.addAll(HttpHeaders.AUTHORIZATION, List.of("Bearer " + token,
                        "Bearer " + patientToken()))).exchange()
                .expectStatus().value(status -> assertThat(status).isIn(400, 401))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private void refused(String path, java.util.function.Consumer<HttpHeaders> auth, int status, String actorKind) {
        String requestId = "tok-" + UUID.randomUUID();
        http.get().uri(path).headers(auth.andThen(h -> h.set("X-Request-Id", requestId))).exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(db.sql("select outcome, actor_kind from app.audit_events where request_id = :id").bind("id", requestId)
                .map(row -> row.get("outcome", String.class) + "/" + row.get("actor_kind", String.class)).all()
                .collectList().block(java.time.Duration.ofSeconds(5)))
                .as("audit of %s", path).containsExactly("denied/" + actorKind);
    }

    private JWTClaimsSet.Builder claims(String subject, String kind) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(properties.issuer()).audience(properties.audience()).subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString())
                .claim("kind", kind);
    }

    private String account(String patientToken) {
        String payload = patientToken.split("\\.")[1];
        return Probe.JSON.readTree(new String(java.util.Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
                .path("sub").asString();
    }
}
