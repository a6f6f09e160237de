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
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request");
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
