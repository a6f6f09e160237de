package com.patientcrm.platform;

import com.patientcrm.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Bad input of every kind gets a clear problem+json answer; nothing internal leaks. */
class ProblemHandlingIntegrationTests extends IntegrationTest {

    @Test
    void malformedJsonIsAMalformedRequestProblem() {
        http.post().uri("/api/v1/auth/otp").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"phone\": ")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request")
                .jsonPath("$.detail").value(detail -> org.assertj.core.api.Assertions.assertThat((String) detail)
                        .doesNotContainIgnoringCase("jackson").doesNotContain("Exception").doesNotContain("com."));
    }

    @Test
    void aWrongTypeIsAMalformedRequestProblem() {
        http.post().uri("/api/v1/auth/otp").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"phone\": [1,2]}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request")
                .jsonPath("$.detail").isEqualTo("The request body's 'phone' is not of the expected type or form.");
        // Inside a list, the path says which item; the value sent is never repeated.
        http.post().uri("/integration/v1/slots").headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"slots\":[{\"externalId\":\"s\",\"capacity\":\"\"}]}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("The request body's 'slots[0].capacity' is not of the expected type or form.");
    }

    /** Found by the contract fuzz: Jackson cut 1.5 to 1 for an integer field (a slot's capacity, a version). */
    @Test
    void aFractionForAnIntegerIsAMalformedRequestProblem() {
        http.put().uri("/integration/v1/departments/dep-fraction").headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"Cardiology\",\"version\":1.5}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request")
                .jsonPath("$.detail").isEqualTo("The request body's 'version' is not of the expected type or form.");
    }

    @Test
    void missingFieldsAreListed() {
        http.post().uri("/api/v1/auth/otp/verify").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:validation")
                .jsonPath("$.errors.length()").isEqualTo(2);
    }

    @Test
    void theWrongMediaTypeOrMethodIsAProblemToo() {
        http.post().uri("/api/v1/auth/otp").contentType(MediaType.TEXT_PLAIN).bodyValue("phone")
                .exchange().expectStatus().isEqualTo(415)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:unsupported-media-type");
        http.get().uri("/api/v1/auth/otp").exchange().expectStatus().isEqualTo(405)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:method-not-allowed");
    }

    // Found by the contract fuzz (ContractFuzzTests): text PostgreSQL cannot store, or that is not text, was a 500.

    @Test
    void aNulCharacterInAJsonStringIsRefusedAndNothingIsStored() {
        String token = patientToken();
        http.post().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"relationship\":\"child\",\"name\":\"Xiao\\u0000Ming\"}")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request");
        http.get().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(0);
    }

    @Test
    void anUnpairedSurrogateInAJsonStringIsRefused() {
        http.post().uri("/api/v1/auth/staff").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"admin\",\"password\":\"\\ud800\"}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request");
    }

    @Test
    void aNulCharacterInTheQueryOrPathIsAMalformedRequestProblem() {
        String staff = staffToken();
        // Absolute URIs: a template would encode the '%' itself.
        http.get().uri(java.net.URI.create("http://localhost:" + port + "/staff/v1/feedback?q=a%00b")).headers(h -> h.setBearerAuth(staff))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request");
        // The firewall's own refusal (an encoded NUL in the path) was a bare 400 without a body.
        http.get().uri(java.net.URI.create("http://localhost:" + port + "/staff/v1/feedback/a%00b")).headers(h -> h.setBearerAuth(staff))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request");
    }

    @Test
    void aClientIdWithANulCharacterIsAnUnknownClient() {
        // A form field, which neither the JSON codec nor the query firewall sees: it reached the database (a 500).
        http.post().uri("/oauth2/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=client_credentials&client_id=his%00test&client_secret=x")
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client");
    }

    /** ISO 8601 allows offsets up to 18:00, PostgreSQL up to 15:59: such a date-time was sent on as given, a 500. */
    @Test
    void aDateTimeWithAnOffsetBeyondPostgresRangeIsTheSameInstantNotAServerError() {
        String client = clientToken();
        for (String since : new String[] {"2026-01-01T00:00:00-18:00", "2026-01-01T00:00:00%2B16:30"}) {
            http.get().uri(java.net.URI.create("http://localhost:" + port + "/integration/v1/appointments?updatedSince=" + since))
                    .headers(h -> h.setBearerAuth(client)).exchange().expectStatus().isOk();
        }
        http.get().uri(java.net.URI.create("http://localhost:" + port + "/staff/v1/audit?from=2026-01-01T00:00:00-18:00"
                        + "&to=2026-01-02T00:00:00%2B18:00"))
                .headers(h -> h.setBearerAuth(staffToken())).exchange().expectStatus().isOk();
    }

    @Test
    void anUnknownPathUnderAPatientTokenIsNotFound() {
        http.get().uri("/api/v1/no-such-thing").headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-found");
    }

    @Test
    void healthAndReadinessIncludeTheDatabase() {
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    void theContractAndSwaggerUiAreServed() {
        http.get().uri("/openapi.yaml").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body).contains("openapi: 3"));
        http.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        http.get().uri("/v3/api-docs/swagger-config").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.url").isEqualTo("/openapi.yaml");
        http.get().uri("/v3/api-docs").exchange().expectStatus().isUnauthorized();
    }
}
