package com.patientcrm.inbox;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.PatientCrmApplication;
import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import com.patientcrm.support.TestNotices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;

/**
 * Two application instances on one database, each with its own dispatcher, notifier and real FCM sender, drain
 * 5,000 due notifications between them: every message is pushed exactly once, reaches the inbox once, and both
 * instances did part of the work.
 */
class TwoInstancesIntegrationTests extends IntegrationTest {

    private static final int PATIENTS = 50;
    private static final int MESSAGES = 5_000;

    @Autowired
    Outbox outbox;

    @Autowired
    TestNotices firstInstance;

    @Test
    void twoInstancesSendEachOfFiveThousandDueMessagesExactlyOnce() {
        String prefix = "two-instances-" + UUID.randomUUID();
        List<UUID> patients = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            // One address per sign-up: the per-address OTP limit is not what this test is about.
            http = client("10.99." + (i / 250) + "." + (i % 250 + 1));
            String token = patientToken();
            patients.add(UUID.fromString((String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token))
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id")));
            http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("token", prefix + "-" + i, "platform", "android", "appVersion", "3.2.1"))
                    .exchange().expectStatus().isCreated();
        }
        long composedBefore = firstInstance.composed();

        try (ConfigurableApplicationContext second = secondInstance()) {
            TestNotices secondInstance = second.getBean(TestNotices.class);
            // Due a moment from now, so both instances are polling when the messages come due.
            Instant due = Instant.now().plusSeconds(2);
            List<OutboxMessage> batch = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                UUID subject = UUID.randomUUID();
                batch.add(new OutboxMessage(TestNotices.TOPIC, prefix + ":" + i, patients.get(i % PATIENTS), subject,
                        Map.of("n", i), due));
            }
            for (int from = 0; from < MESSAGES; from += 500) {
                outbox.enqueueAll(batch.subList(from, from + 500)).block(Duration.ofSeconds(30));
            }

            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count("select count(*) from notifications.outbox where dedupe_key like '" + prefix
                            + ":%' and status <> 'done'") == 0);

            long byFirst = firstInstance.composed() - composedBefore;
            long bySecond = secondInstance.composed();
            System.out.printf("Two instances: %d messages composed by the first, %d by the second%n", byFirst, bySecond);
            // A message held back by a provider's rate limit is composed again when it comes back: no exact sum.
            assertThat(byFirst).isPositive();
            assertThat(bySecond).isPositive();
        }

        // Every message reached FCM; a request repeated only after an attempt that timed out (it may have reached
        // FCM, so the retry carries the same tag and collapse id and the phone shows it once).
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests = ExternalFakes.fcm()
                .findAll(postRequestedFor(urlPathMatching("/v1/projects/.*/messages:send")).withRequestBody(containing(prefix)));
        Map<String, Long> perMessage = requests.stream().map(r -> messageIdOf(r.getBodyAsString()))
                .collect(java.util.stream.Collectors.groupingBy(id -> id, java.util.stream.Collectors.counting()));
        long failedAttempts = count("select count(*) from notifications.deliveries d join notifications.outbox o on "
                + "o.id = d.outbox_id where o.dedupe_key like '" + prefix + ":%' and d.channel = 'app_push' "
                + "and d.status = 'failed'");
        System.out.printf("FCM requests: %d for %d messages; attempts that failed (timed out): %d%n", requests.size(),
                perMessage.size(), failedAttempts);
        assertThat(perMessage).hasSize(MESSAGES);
        // (A failed attempt may also have failed before reaching FCM, so this is at most, not exactly.)
        assertThat((long) requests.size() - MESSAGES).isBetween(0L, failedAttempts);
        assertThat(requests).allSatisfy(r -> assertThat(r.getBodyAsString())
                .contains("\"tag\":\"" + messageIdOf(r.getBodyAsString()) + "\"")
                .contains("\"apns-collapse-id\":\"" + messageIdOf(r.getBodyAsString()) + "\""));
        assertThat(count("select count(*) from notifications.deliveries d join notifications.outbox o on o.id = "
                + "d.outbox_id where o.dedupe_key like '" + prefix + ":%' and d.channel = 'app_push' and d.status = 'sent'"))
                .isEqualTo(MESSAGES);
        assertThat(count("select count(*) from notifications.deliveries d join notifications.outbox o on o.id = "
                + "d.outbox_id where o.dedupe_key like '" + prefix + ":%' and d.channel = 'in_app'"))
                .isEqualTo(MESSAGES);
    }

    private ConfigurableApplicationContext secondInstance() {
        Map<String, Object> properties = new HashMap<>();
        IntegrationTest.externalServices((name, value) -> properties.put(name, ((Supplier<?>) value).get()));
        // The first instance's database, as an external one.
        properties.put("crm.db.host", "localhost");
        properties.put("crm.db.port", query("select inet_server_port()::text"));
        properties.put("crm.db.name", query("select current_database()"));
        properties.put("crm.db.user", query("select current_user::text"));
        properties.put("server.port", 0);
        // As command-line arguments: they outrank application.yaml, as the test context's own properties do.
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(PatientCrmApplication.class, IntegrationTest.TestBeans.class).run(args);
    }

    private static String messageIdOf(String fcmRequest) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"messageId\":\"([0-9a-f-]{36})\"")
                .matcher(fcmRequest);
        return matcher.find() ? matcher.group(1) : "none";
    }

    private String query(String sql) {
        return db.sql(sql).map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
    }

    private long count(String sql) {
        return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(5));
    }
}
