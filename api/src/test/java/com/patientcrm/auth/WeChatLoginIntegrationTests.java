package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** WeChat mini-program sign-in and phone binding, through WxJava against the fake WeChat server. */
class WeChatLoginIntegrationTests extends IntegrationTest {

    @Test
    void aWeChatCodeSignsThePatientInAndTheSameOpenidReturnsTheSameAccount() {
        String code = "code-" + UUID.randomUUID();
        Map<String, Object> first = signInWithWeChat(code);

        assertThat(first).containsKeys("access_token", "refresh_token", "expires_in");
        assertThat(first.get("token_type")).isEqualTo("Bearer");
        assertThat(first.toString()).doesNotContain("fake-session-key").doesNotContain("o-" + code);

        String firstSubject = subject(first);
        assertThat(subject(signInWithWeChat(code))).isEqualTo(firstSubject);

        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth((String) first.get("access_token")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isNotEmpty().jsonPath("$.phone").isEmpty();

        ExternalFakes.weChat().verify(WireMock.getRequestedFor(WireMock.urlPathEqualTo("/sns/jscode2session"))
                .withQueryParam("appid", WireMock.equalTo(ExternalFakes.WECHAT_APPID))
                .withQueryParam("js_code", WireMock.equalTo(code)));
    }

    /** Found by the contract fuzz: WxJava puts the code into WeChat's URL unencoded. */
    @Test
    void aCodeReachesWeChatAsItIsWhateverItsCharacters() {
        String code = "a`b c&appid=other#" + UUID.randomUUID();
        assertThat(signInWithWeChat(code)).containsKey("access_token");

        ExternalFakes.weChat().verify(WireMock.getRequestedFor(WireMock.urlPathEqualTo("/sns/jscode2session"))
                .withQueryParam("appid", WireMock.equalTo(ExternalFakes.WECHAT_APPID))
                .withQueryParam("js_code", WireMock.equalTo(code)));
    }

    @Test
    void aCodeWeChatRejectsIsA401Problem() {
        http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", "invalid")).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:wechat-login-failed");
    }

    @Test
    void theWeChatPhoneButtonBindsTheVerifiedPhone() {
        Map<String, Object> tokens = signInWithWeChat("code-" + UUID.randomUUID());
        String digits = randomPhone().substring(3);

        Map<?, ?> bound = http.post().uri("/api/v1/me/phone/wechat")
                .headers(h -> h.setBearerAuth((String) tokens.get("access_token")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", digits))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

        assertThat(subject(bound)).isEqualTo(subject(tokens));
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth((String) bound.get("access_token")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.phone").isEqualTo("+86" + digits);
    }

    @Test
    void aWeChatAccountAndAnAppAccountProvingTheSamePhoneBecomeOnePatient() {
        String phone = randomPhone();
        Map<String, Object> app = signInWithPhone(phone);
        String appToken = (String) app.get("access_token");
        http.post().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(appToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", "Xiao Ming"))
                .exchange().expectStatus().isCreated();

        Map<String, Object> weChat = signInWithWeChat("code-" + UUID.randomUUID());
        Map<?, ?> merged = http.post().uri("/api/v1/me/phone/wechat")
                .headers(h -> h.setBearerAuth((String) weChat.get("access_token")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", phone.substring(3)))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

        assertThat(subject(merged)).isEqualTo(subject(app));
        http.get().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth((String) merged.get("access_token")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[0].name").isEqualTo("Xiao Ming");
        // The merged-away account's refresh token no longer works.
        http.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", weChat.get("refresh_token")))
                .exchange().expectStatus().isUnauthorized();
    }

    static String subject(Map<?, ?> tokens) {
        String payload = ((String) tokens.get("access_token")).split("\\.")[1];
        String json = new String(java.util.Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8);
        return json.replaceAll(".*\"sub\":\"([^\"]+)\".*", "$1");
    }
}
