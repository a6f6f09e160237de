package com.patientcrm.auth;

import com.patientcrm.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Hospital systems: RFC 6749 client credentials with client_secret_basic and client_secret_post. */
class ClientCredentialsIntegrationTests extends IntegrationTest {

    @Test
    void basicAuthenticationGivesATokenWithTheClientsScopes() {
        String token = clientToken();
        http.get().uri("/integration/v1/client").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.clientId").isEqualTo(CLIENT_ID)
                .jsonPath("$.scopes.length()").isEqualTo(7);
    }

    @Test
    void credentialsInTheFormWorkAndAScopeCanBeNarrowed() {
        token(null, "grant_type=client_credentials&scope=reports:write&client_id=" + CLIENT_ID
                + "&client_secret=" + CLIENT_SECRET)
                .expectStatus().isOk()
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectBody().jsonPath("$.scope").isEqualTo("reports:write")
                .jsonPath("$.token_type").isEqualTo("Bearer")
                .jsonPath("$.refresh_token").doesNotExist();
    }

    @Test
    void aWrongSecretIsInvalidClientWithABasicChallenge() {
        token("wrong", "grant_type=client_credentials")
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Basic realm=\"patientcrm\"")
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client");
        token(null, "grant_type=client_credentials&client_id=nobody&client_secret=x")
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("invalid_client");
    }

    @Test
    void onlyFailedAuthenticationsSpendAClientsBudget() {
        for (int i = 0; i < 65; i++) {
            client("10.97.1." + (i + 1)).post().uri("/oauth2/token").headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials")
                    .exchange().expectStatus().isOk();
        }
        String guessed = "guessed-" + java.util.UUID.randomUUID();
        // The budget is per clock minute; 60 failed checks take up to ~15 s on a slow machine, so start them early in
        // a minute, or they would be split over two windows and never reach the limit.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(70))
                .until(() -> java.time.Instant.now().getEpochSecond() % 60 < 30);
        for (int i = 0; i < 60; i++) {
            client("10.97.2." + (i + 1)).post().uri("/oauth2/token").headers(h -> h.setBasicAuth(guessed, "wrong"))
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials")
                    .exchange().expectStatus().isUnauthorized();
        }
        http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(guessed, "wrong"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials")
                .exchange().expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
    }

    @Test
    void malformedRequestsGetRfc6749Errors() {
        token(CLIENT_SECRET, "grant_type=password").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("unsupported_grant_type");
        token(CLIENT_SECRET, "scope=fhir").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_request");
        token(CLIENT_SECRET, "grant_type=client_credentials&scope=admin").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_scope");
        token(CLIENT_SECRET, "grant_type=client_credentials&client_secret=" + CLIENT_SECRET)
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("invalid_client");
    }

    @Test
    void aNarrowTokenCannotUseOtherCapabilities() {
        String reportsOnly = (String) token(CLIENT_SECRET, "grant_type=client_credentials&scope=reports:write")
                .expectStatus().isOk().expectBody(java.util.Map.class).returnResult().getResponseBody().get("access_token");
        http.post().uri("/integration/v1/slots").headers(h -> h.setBearerAuth(reportsOnly))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("[]")
                .exchange().expectStatus().isForbidden();
        http.get().uri("/fhir/r4/Slot?schedule=x").headers(h -> h.setBearerAuth(reportsOnly))
                .exchange().expectStatus().isForbidden();
    }

    private WebTestClient.ResponseSpec token(String basicSecret, String form) {
        return http.post().uri("/oauth2/token")
                .headers(h -> {
                    if (basicSecret != null) {
                        h.setBasicAuth(CLIENT_ID, basicSecret);
                    }
                })
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue(form)
                .exchange();
    }
}
