package com.patientcrm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import nl.altindag.log.LogCaptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Personal data never reaches the logs: a WeChat login, a phone login, a profile update with a national ID and a
 * family member, a failed login and a token refresh leave no phone, ID number, openid, code or token in any log
 * line at the production level (INFO), from any logger. (At DEBUG, Spring's codecs print bodies through
 * toString(); our DTOs redact theirs.)
 */
class LogPrivacyIntegrationTests extends IntegrationTest {

    private LogCaptor logs;

    @BeforeEach
    void capture() {
        logs = LogCaptor.forRoot();
        logs.setLogLevelToInfo();
    }

    @AfterEach
    void release() {
        logs.resetLogLevel();
        logs.close();
    }

    @Test
    void aFullSignInAndProfileFlowLogsNoPersonalData() {
        String phone = randomPhone();
        Map<String, Object> app = signInWithPhone(phone);
        String code = "code-" + UUID.randomUUID();
        Map<String, Object> weChat = signInWithWeChat(code);
        String token = (String) app.get("access_token");
        http.patch().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Zhao Min", "nationalId", "11010519491231002X", "phone", "13612345678"))
                .exchange().expectStatus().isOk();
        http.post().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", "Zhao Xiao", "nationalId", "110105201501010017"))
                .exchange().expectStatus().isCreated();
        http.post().uri("/api/v1/auth/otp/verify").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", "13512345678", "code", "123456")).exchange().expectStatus().isUnauthorized();
        http.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", app.get("refresh_token"))).exchange().expectStatus().isOk();

        List<String> secrets = List.of(phone, phone.substring(3), "13612345678", "13512345678", "11010519491231002X",
                "110105201501010017", "Zhao Min", "Zhao Xiao", "o-" + code, code, "fake-session-key",
                sms.lastCodeFor(phone), token, (String) app.get("refresh_token"), (String) weChat.get("access_token"));
        List<String> lines = logs.getLogEvents().stream()
                .map(e -> e.getFormattedMessage() + " " + e.getThrowable().map(Throwable::toString).orElse(""))
                .toList();

        assertThat(lines).isNotEmpty();
        for (String secret : secrets) {
            assertThat(lines).as("log lines containing " + secret.substring(0, 3) + "...")
                    .noneMatch(line -> line.contains(secret));
        }
    }
}
