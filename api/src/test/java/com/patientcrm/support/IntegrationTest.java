package com.patientcrm.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of every integration test: the whole application on a random port, over the embedded PostgreSQL (one per
 * test JVM, as every test class shares this one context), with WeChat and the hospital's OIDC issuer faked over
 * real HTTP. Each test gets its own client IP (X-Forwarded-For), so per-IP rate limits never leak between tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.TestBeans.class)
public abstract class IntegrationTest {

    public static final String ADMIN_PASSWORD = "admin-test-password";
    public static final String CLIENT_ID = "his-test";
    public static final String CLIENT_SECRET = "client-test-secret";
    public static final String STAFF_AUDIENCE = "patient-crm-staff";
    /** WeChat's message push: the Token it signs with and the EncodingAESKey of safe mode (43 Base64 characters). */
    public static final String WECHAT_MESSAGE_TOKEN = "wechat-push-test-token";
    public static final String WECHAT_MESSAGE_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static final AtomicInteger IPS = new AtomicInteger();
    /** The hospital's external CRM, which mirrors every ticket event (one receiver for the whole test JVM). */
    public static final WebhookReceiver EXTERNAL_CRM = new WebhookReceiver();
    public static final String EXTERNAL_CRM_SECRET = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("external-crm-test-secret-32-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    @LocalServerPort
    protected int port;

    @Autowired
    protected CapturingSmsSender sms;

    @Autowired
    protected DatabaseClient db;

    protected WebTestClient http;

    protected String clientIp;

    @DynamicPropertySource
    public static void externalServices(DynamicPropertyRegistry registry) {
        registry.add("crm.auth.wechat.appid", () -> ExternalFakes.WECHAT_APPID);
        registry.add("crm.auth.wechat.secret", () -> "wechat-test-secret");
        registry.add("crm.auth.wechat.api-base-url", () -> ExternalFakes.weChat().baseUrl());
        registry.add("crm.notifications.wechat.appid", () -> ExternalFakes.WECHAT_APPID);
        registry.add("crm.notifications.wechat.secret", () -> "wechat-test-secret");
        registry.add("crm.notifications.wechat.api-base-url", () -> ExternalFakes.weChat().baseUrl());
        registry.add("crm.notifications.wechat.token", () -> WECHAT_MESSAGE_TOKEN);
        registry.add("crm.notifications.wechat.aes-key", () -> WECHAT_MESSAGE_AES_KEY);
        registry.add("crm.notifications.wechat.templates.appointment_change.template-id", () -> "tmpl-change");
        registry.add("crm.notifications.wechat.templates.appointment_reminder.template-id", () -> "tmpl-reminder");
        registry.add("crm.notifications.fcm.project-id", () -> "test-project");
        registry.add("crm.notifications.fcm.api-base-url", () -> ExternalFakes.fcm().baseUrl());
        // Small enough for a test to open a breaker and watch it recover.
        // Long enough that a loaded test machine does not time out a local stand-in (a retry would push twice),
        // short of the 4 s the fault tests make the stand-in hang.
        registry.add("crm.notifications.fcm.timeout", () -> "2s");
        registry.add("crm.notifications.breaker.window", () -> "4");
        registry.add("crm.notifications.breaker.minimum-calls", () -> "4");
        registry.add("crm.notifications.breaker.open-for", () -> "2s");
        registry.add("crm.notifications.breaker.half-open-calls", () -> "1");
        registry.add("crm.auth.staff-oidc.issuer-uri",
                () -> ExternalFakes.hospitalIdp().issuerUrl(ExternalFakes.HOSPITAL_ISSUER_ID).toString());
        registry.add("crm.auth.staff-oidc.audience", () -> STAFF_AUDIENCE);
        registry.add("crm.db.data-dir", () -> ExternalFakes.dataDir().toString());
        registry.add("crm.auth.data-dir", () -> ExternalFakes.dataDir().toString());
        registry.add("crm.auth.bootstrap.admin-password", () -> ADMIN_PASSWORD);
        registry.add("crm.auth.bootstrap.client-id", () -> CLIENT_ID);
        registry.add("crm.auth.bootstrap.client-secret", () -> CLIENT_SECRET);
        registry.add("server.forward-headers-strategy", () -> "framework");
        // Fast enough for tests to watch retries, back-off and breakers happen.
        registry.add("crm.webhooks.allow-insecure-http", () -> "true");
        registry.add("crm.webhooks.response-timeout", () -> "2s");
        registry.add("crm.webhooks.breaker-open-for", () -> "2s");
        registry.add("crm.dispatcher.poll-interval", () -> "100ms");
        registry.add("crm.dispatcher.initial-backoff", () -> "200ms");
        registry.add("crm.dispatcher.max-backoff", () -> "1s");
        registry.add("crm.dispatcher.handler-timeout", () -> "5s");
        registry.add("crm.dispatcher.max-attempts", () -> "6");
        registry.add("crm.booking.waitlist-hold", () -> "3s");
        // LOW tickets (praise) pass their SLA within the test; the check runs often enough to see it.
        registry.add("crm.feedback.sla.LOW", () -> "3s");
        registry.add("crm.feedback.sla-check-every", () -> "300ms");
        registry.add("crm.feedback.webhook.url", () -> EXTERNAL_CRM.url("/crm/tickets"));
        registry.add("crm.feedback.webhook.secret", () -> EXTERNAL_CRM_SECRET);
        // The races (200 bookings at once) need every request let in; InFlightLimitIntegrationTests tests the limit.
        registry.add("crm.http.max-in-flight", () -> "1000");
        // Small enough for a test to send a PDF over the limit cheaply.
        registry.add("crm.reports.max-pdf-bytes", () -> "64KB");
    }

    @BeforeEach
    void httpClient() {
        int n = IPS.incrementAndGet();
        clientIp = "10.77." + (n / 250) + "." + (n % 250 + 1);
        http = client(clientIp);
    }

    protected WebTestClient client(String ip) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .filter(ContractValidator.filter())
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .defaultHeader("X-Forwarded-For", ip)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    protected static String randomPhone() {
        return "+86139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    /** Signs a new patient in through the phone one-time code flow; answers the token response. */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> signInWithPhone(String phone) {
        http.post().uri("/api/v1/auth/otp").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone)).exchange().expectStatus().isAccepted();
        return http.post().uri("/api/v1/auth/otp/verify").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("phone", phone, "code", sms.lastCodeFor(phone)))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    protected String patientToken() {
        return (String) signInWithPhone(randomPhone()).get("access_token");
    }

    @SuppressWarnings("unchecked")
    protected Map<String, Object> signInWithWeChat(String code) {
        return http.post().uri("/api/v1/auth/wechat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", code)).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    protected String staffToken() {
        return (String) http.post().uri("/api/v1/auth/staff").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "admin", "password", ADMIN_PASSWORD))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("access_token");
    }

    /** A hospital-issued staff token (through the fake OIDC issuer) with exactly these roles. */
    protected static String staffToken(String subject, String... roles) {
        return ExternalFakes.hospitalIdp().issueToken(ExternalFakes.HOSPITAL_ISSUER_ID, subject, STAFF_AUDIENCE,
                Map.of("roles", java.util.List.of(roles)), 300).serialize();
    }

    protected String clientToken() {
        return (String) http.post().uri("/oauth2/token")
                .headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=client_credentials")
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("access_token");
    }

    /** Asks for the account's erasure and lets its grace period pass at once; answers its id once it is COMPLETED. */
    protected String eraseNow(String token) {
        String id = (String) http.post().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id");
        db.sql("update app.erasure_requests set effective_at = now() where id = :id").bind("id", java.util.UUID.fromString(id))
                .then().block(Duration.ofSeconds(5));
        db.sql("update notifications.outbox_queue set due_at = now() where id in (select id from notifications.outbox "
                        + "where subject_id = :id and topic = 'privacy.erasure')")
                .bind("id", java.util.UUID.fromString(id)).then().block(Duration.ofSeconds(5));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "COMPLETED".equals(http.get().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token))
                        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                        .get("status")));
        return id;
    }

    /** The account's erasure request as the patient sees it (summary included). */
    protected WebTestClient.BodyContentSpec erasureRequest(String token) {
        return http.get().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody();
    }

    @TestConfiguration
    public static class TestBeans {

        @Bean
        @Primary
        CapturingSmsSender capturingSmsSender() {
            return new CapturingSmsSender();
        }

        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }

        @Bean
        TestNotices testNotices() {
            return new TestNotices();
        }
    }
}
