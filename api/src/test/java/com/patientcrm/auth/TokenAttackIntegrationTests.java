package com.patientcrm.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.patientcrm.support.IntegrationTest;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * Forged and doctored bearer tokens: each is refused with 401 problem+json, while an honest token built the same
 * way is accepted (so each refusal is caused by the one thing changed).
 */
class TokenAttackIntegrationTests extends IntegrationTest {

    @Autowired
    SigningKeys keys;

    @Autowired
    AuthProperties properties;

    @Test
    void anHonestlySignedTokenIsAccepted() throws Exception {
        expectAccepted(sign(claims(c -> c), header(keys.keyId())));
    }

    @Test
    void unsignedTokensAreRefused() {
        expectRefused(new PlainJWT(claims(c -> c).build()).serialize());
    }

    @Test
    void hs256SignedWithOurPublicKeyIsRefused() throws Exception {
        byte[] publicKey = keys.publicKeys().toString().getBytes();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.keyId()).build(),
                claims(c -> c).build());
        jwt.sign(new MACSigner(java.util.Arrays.copyOf(publicKey, Math.max(64, publicKey.length))));
        expectRefused(jwt.serialize());
    }

    @Test
    void anUnknownKidOrAForeignKeyIsRefused() throws Exception {
        expectRefused(sign(claims(c -> c), header("no-such-key")));
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(keys.keyId()).generate();
        SignedJWT jwt = new SignedJWT(header(keys.keyId()).build(), claims(c -> c).build());
        jwt.sign(new RSASSASigner(attacker));
        expectRefused(jwt.serialize());
        // Another algorithm than the one we sign with is refused before any key is looked at.
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID(keys.keyId()).generate();
        SignedJWT es256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.keyId()).build(),
                claims(c -> c).build());
        es256.sign(new ECDSASigner(ec));
        expectRefused(es256.serialize());
    }

    @Test
    void headersPointingAtAttackerKeysAreIgnored() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
        JWSHeader embedded = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").jwk(attacker.toPublicJWK())
                .jwkURL(URI.create("http://127.0.0.1:1/jwks.json")).x509CertURL(URI.create("http://127.0.0.1:1/cert"))
                .build();
        SignedJWT jwt = new SignedJWT(embedded, claims(c -> c).build());
        jwt.sign(new RSASSASigner(attacker));
        expectRefused(jwt.serialize());
    }

    @Test
    void expiredNotYetValidWrongIssuerOrAudienceAreRefused() throws Exception {
        Instant now = Instant.now();
        expectRefused(sign(claims(c -> c.expirationTime(Date.from(now.minusSeconds(120)))), header(keys.keyId())));
        expectRefused(sign(claims(c -> c.notBeforeTime(Date.from(now.plusSeconds(600)))), header(keys.keyId())));
        expectRefused(sign(claims(c -> c.issuer("https://evil.example")), header(keys.keyId())));
        expectRefused(sign(claims(c -> c.audience("someone-else")), header(keys.keyId())));
        expectRefused(sign(claims(c -> c.claim("kind", "superuser")), header(keys.keyId())));
    }

    @Test
    void aTamperedPayloadOrGarbageIsRefused() throws Exception {
        String honest = sign(claims(c -> c), header(keys.keyId()));
        String[] parts = honest.split("\\.");
        String otherPayload = Base64URL.encode(claims(c -> c.subject(UUID.randomUUID().toString())).build().toString()).toString();
        expectRefused(parts[0] + "." + otherPayload + "." + parts[2]);
        expectRefused("not.a.jwt");
        expectRefused("garbage");
    }

    private JWTClaimsSet.Builder claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .audience(properties.audience())
                .subject(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .claim("kind", "staff")
                .claim("roles", java.util.List.of("ADMIN"));
        return change.apply(builder);
    }

    private static JWSHeader.Builder header(String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT);
    }

    private String sign(JWTClaimsSet.Builder claims, JWSHeader.Builder header) throws Exception {
        SignedJWT jwt = new SignedJWT(header.build(), claims.build());
        jwt.sign(new RSASSASigner(keys.signingKey()));
        return jwt.serialize();
    }

    private void expectAccepted(String token) {
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk();
    }

    private void expectRefused(String token) {
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:unauthorized");
    }
}
