package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Refresh tokens rotate on every use; replaying a used one signs the whole session family out. */
class RefreshTokenIntegrationTests extends IntegrationTest {

    @Test
    void refreshingRotatesTheTokenAndReuseRevokesTheFamily() {
        Map<String, Object> login = signInWithPhone(randomPhone());
        String first = (String) login.get("refresh_token");

        Map<?, ?> rotated = refresh(first).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        String second = (String) rotated.get("refresh_token");
        assertThat(second).isNotEqualTo(first);
        assertThat(WeChatLoginIntegrationTests.subject(rotated)).isEqualTo(WeChatLoginIntegrationTests.subject(login));
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth((String) rotated.get("access_token")))
                .exchange().expectStatus().isOk();

        // An attacker replays the stolen first token: refused, and the legitimate second token dies with it.
        refresh(first).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:refresh-token-reused");
        refresh(second).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:refresh-token-reused");
    }

    @Test
    void aStaleAccessTokenAttachedToTheRefreshCallIsIgnored() {
        Map<String, Object> login = signInWithPhone(randomPhone());
        http.post().uri("/api/v1/auth/refresh").headers(h -> h.setBearerAuth("expired.or.garbage"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", login.get("refresh_token")))
                .exchange().expectStatus().isOk();
    }

    @Test
    void logoutRevokesTheSession() {
        String refreshToken = (String) signInWithPhone(randomPhone()).get("refresh_token");

        http.post().uri("/api/v1/auth/logout").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", refreshToken)).exchange().expectStatus().isNoContent();

        refresh(refreshToken).expectStatus().isUnauthorized();
    }

    @Test
    void anUnknownOrExpiredTokenIsRefused() {
        refresh("not-a-token").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:refresh-token-invalid");

        String refreshToken = (String) signInWithPhone(randomPhone()).get("refresh_token");
        db.sql("update auth.refresh_tokens set expires_at = now() - interval '1 second' where status = 'active' "
                + "and created_at > now() - interval '1 minute'").then().block();
        refresh(refreshToken).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:refresh-token-invalid");
    }

    @Test
    void staffSessionsRefreshToo() {
        Map<?, ?> login = http.post().uri("/api/v1/auth/staff").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "admin", "password", ADMIN_PASSWORD))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

        Map<?, ?> rotated = refresh((String) login.get("refresh_token")).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        http.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth((String) rotated.get("access_token")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.roles.length()").isEqualTo(5);
    }

    private WebTestClient.ResponseSpec refresh(String token) {
        return http.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", token)).exchange();
    }
}
