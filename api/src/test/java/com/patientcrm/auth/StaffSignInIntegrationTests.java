package com.patientcrm.auth;

import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Staff: built-in accounts, and tokens from the hospital's OIDC issuer beside ours. */
class StaffSignInIntegrationTests extends IntegrationTest {

    @Test
    @SuppressWarnings("unchecked")
    void theBootstrapAdminSignsInWithEveryRole() {
        String token = staffToken();
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.roles").value(roles ->
                        org.assertj.core.api.Assertions.assertThat((List<Object>) roles)
                                .containsExactlyInAnyOrder("ADMIN", "CARE_COORDINATOR", "CONTENT_EDITOR", "FEEDBACK_AGENT", "FEEDBACK_MANAGER"));
    }

    @Test
    void aWrongPasswordOrUnknownUserIsTheSame401() {
        for (Map<String, String> body : List.of(Map.of("username", "admin", "password", "wrong"),
                Map.of("username", "nobody", "password", "wrong"))) {
            http.post().uri("/api/v1/auth/staff").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:invalid-credentials");
        }
    }

    @Test
    void passwordGuessingIsLimitedPerUsernameAcrossClientAddresses() {
        Map<String, String> guess = Map.of("username", "guessed-user", "password", "wrong");
        for (int i = 0; i < 10; i++) {
            client("10.98.0." + (i + 1)).post().uri("/api/v1/auth/staff").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(guess).exchange().expectStatus().isUnauthorized();
        }
        http.post().uri("/api/v1/auth/staff").contentType(MediaType.APPLICATION_JSON).bodyValue(guess)
                .exchange().expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
    }

    @Test
    void aHospitalIssuedTokenWithAKnownRoleIsAccepted() {
        String token = hospitalToken(Map.of("roles", List.of("FEEDBACK_AGENT", "SOMETHING_ELSE"),
                "preferred_username", "nurse.li"), STAFF_AUDIENCE);
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.subject").isEqualTo("nurse.li")
                .jsonPath("$.roles").isEqualTo(List.of("FEEDBACK_AGENT"))
                .jsonPath("$.issuer").isEqualTo(ExternalFakes.hospitalIdp().issuerUrl(ExternalFakes.HOSPITAL_ISSUER_ID).toString());
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isForbidden();
        http.get().uri("/integration/v1/client").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isForbidden();
    }

    @Test
    void aHospitalTokenWithoutAStaffRoleOrForAnotherAudienceIsRefused() {
        String noRole = hospitalToken(Map.of("roles", List.of("VISITOR")), STAFF_AUDIENCE);
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(noRole)).exchange().expectStatus().isForbidden();

        String otherAudience = hospitalToken(Map.of("roles", List.of("ADMIN")), "another-app");
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(otherAudience)).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aTokenFromAnUnknownIssuerIsRefused() {
        String foreign = ExternalFakes.hospitalIdp().issueToken("elsewhere", "someone", STAFF_AUDIENCE,
                Map.of("roles", List.of("ADMIN")), 300).serialize();
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth(foreign)).exchange().expectStatus().isUnauthorized();
    }

    private static String hospitalToken(Map<String, Object> claims, String audience) {
        return ExternalFakes.hospitalIdp().issueToken(ExternalFakes.HOSPITAL_ISSUER_ID, "staff-42", audience, claims, 300)
                .serialize();
    }
}
