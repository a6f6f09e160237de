package com.patientcrm.auth;

import com.patientcrm.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Each token kind reaches its own path family only: anything else is 403, and no token is 401. */
class AccessRulesIntegrationTests extends IntegrationTest {

    @Test
    void patientTokensAreForPatientRoutesOnly() {
        String patient = patientToken();
        expect(patient, "/api/v1/me", 200);
        expect(patient, "/staff/v1/me", 403);
        expect(patient, "/integration/v1/client", 403);
        expect(patient, "/fhir/r4/Slot?schedule=x", 403);
    }

    @Test
    void staffTokensAreForStaffRoutesOnly() {
        String staff = staffToken();
        expect(staff, "/staff/v1/me", 200);
        expect(staff, "/api/v1/me", 403);
        expect(staff, "/integration/v1/client", 403);
    }

    @Test
    void clientTokensAreForIntegrationRoutesOnly() {
        String client = clientToken();
        expect(client, "/integration/v1/client", 200);
        expect(client, "/api/v1/me", 403);
        expect(client, "/api/v1/me/family-members", 403);
        expect(client, "/staff/v1/me", 403);
    }

    @Test
    void noTokenIsA401ProblemWithABearerChallenge() {
        for (String path : new String[] {"/api/v1/me", "/staff/v1/me", "/integration/v1/client", "/fhir/r4/Slot?schedule=x"}) {
            http.get().uri(path).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void theSigningKeysArePublished() {
        http.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.keys[0].kty").isEqualTo("RSA")
                .jsonPath("$.keys[0].alg").isEqualTo("RS256")
                .jsonPath("$.keys[0].d").doesNotExist();
    }

    private void expect(String token, String path, int status) {
        http.get().uri(path).headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isEqualTo(status);
    }
}
