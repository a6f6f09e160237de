package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Phone one-time codes: single use, expiry, at most five tries, and rate limits per phone and per client IP. */
class OtpIntegrationTests extends IntegrationTest {

    @Test
    void aCodeSignsInOnceAndTheSamePhoneIsTheSameAccount() {
        String phone = randomPhone();
        Map<String, Object> first = signInWithPhone(phone);
        String usedCode = sms.lastCodeFor(phone);

        verify(phone, usedCode).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:otp-invalid");

        awaitResendWindow(phone);
        Map<String, Object> second = signInWithPhone(phone);
        assertThat(WeChatLoginIntegrationTests.subject(second)).isEqualTo(WeChatLoginIntegrationTests.subject(first));
    }

    @Test
    void localFormatsAreTheSamePhone() {
        String phone = randomPhone();
        http.post().uri("/api/v1/auth/otp").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone.substring(3, 6) + " " + phone.substring(6)))
                .exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.expiresInSeconds").isEqualTo(300);
        assertThat(sms.lastCodeFor(phone)).hasSize(6);
    }

    @Test
    void fiveWrongCodesBurnTheCode() {
        String phone = randomPhone();
        send(phone).expectStatus().isAccepted();
        String right = sms.lastCodeFor(phone);
        String wrong = right.equals("000000") ? "111111" : "000000";

        for (int tries = 1; tries <= 4; tries++) {
            verify(phone, wrong).expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.detail").isEqualTo("The code is not correct; " + (5 - tries) + " tries left.");
        }
        verify(phone, wrong).expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:otp-attempts-exceeded");
        verify(phone, right).expectStatus().isUnauthorized();
    }

    @Test
    void anExpiredCodeIsRefused() {
        String phone = randomPhone();
        send(phone).expectStatus().isAccepted();
        db.sql("update auth.otp_challenges set expires_at = now() - interval '1 second' where consumed_at is null "
                + "and created_at > now() - interval '1 minute'").then().block();

        verify(phone, sms.lastCodeFor(phone)).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:otp-invalid");
    }

    @Test
    void aSecondCodeWithinTheResendIntervalIsRateLimited() {
        String phone = randomPhone();
        send(phone).expectStatus().isAccepted();
        send(phone).expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:rate-limited");
    }

    @Test
    void oneClientIpCannotRequestCodesForManyPhones() {
        for (int i = 0; i < 20; i++) {
            send(randomPhone()).expectStatus().isAccepted();
        }
        send(randomPhone()).expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
        // Another client is not affected.
        client("10.99.0.1").post().uri("/api/v1/auth/otp").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", randomPhone())).exchange().expectStatus().isAccepted();
    }

    @Test
    void aPhoneThatIsNotAPhoneIsAValidationProblem() {
        send("12345").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:validation")
                .jsonPath("$.errors[0].field").isEqualTo("phone");
    }

    private WebTestClient.ResponseSpec send(String phone) {
        return http.post().uri("/api/v1/auth/otp").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone)).exchange();
    }

    private WebTestClient.ResponseSpec verify(String phone, String code) {
        return http.post().uri("/api/v1/auth/otp/verify").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "code", code)).exchange();
    }

    /** The resend interval is a rate-limit window; close it for this phone instead of waiting a minute. */
    private void awaitResendWindow(String phone) {
        db.sql("delete from auth.rate_limit_windows where bucket like 'otp:resend:%'").then().block();
    }
}
