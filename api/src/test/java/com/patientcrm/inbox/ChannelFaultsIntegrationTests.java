package com.patientcrm.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * A provider that stops answering: calls time out, the breaker opens and messages wait without spending attempts,
 * and once the provider answers again the breaker closes and every message goes out exactly once.
 * (The test context's breaker: a window of 4 calls, open for 2 s; FCM calls time out after 1 s.)
 */
class ChannelFaultsIntegrationTests extends IntegrationTest {

    @Test
    void aHangingProviderOpensTheBreakerAndMessagesDrainOnceItRecovers() {
        String token = patientToken();
        String fcmToken = "hang-" + UUID.randomUUID();
        StubMapping hang = ExternalFakes.fcm().stubFor(WireMock.post(WireMock.urlPathMatching("/v1/projects/[^/]+/messages:send"))
                .atPriority(1).withRequestBody(WireMock.containing(fcmToken))
                .willReturn(WireMock.okJson("{\"name\":\"projects/test-project/messages/late\"}").withFixedDelay(4_000)));
        http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", fcmToken, "platform", "android")).exchange().expectStatus().isCreated();
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        LocalDate day = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(3);
        List<UUID> messages = new ArrayList<>();
        // Five bookings (one per day: one doctor, one person), each confirmed by a push to the hanging device.
        for (int i = 0; i < 5; i++) {
            UUID slot = hospital.slot(seeded, day.plusDays(i).atTime(9, 0), "Asia/Shanghai", 2);
            String appointment = (String) http.post().uri("/api/v1/appointments").headers(h -> {
                        h.setBearerAuth(token);
                        h.set("Idempotency-Key", UUID.randomUUID().toString());
                    }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                    .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
            messages.add(db.sql("select id from notifications.outbox where topic = 'appointment.change' and subject_id = :id")
                    .bind("id", UUID.fromString(appointment)).map(row -> row.get("id", UUID.class)).one()
                    .block(Duration.ofSeconds(5)));
        }

        // Timeouts open the breaker: messages are then held, not attempted.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) as n from notifications.outbox "
                + "where id = any(cast(:ids as uuid[])) and last_error like '%circuit breaker open%'", messages) > 0);

        // FCM answers again: the breaker lets a call through, closes, and everything drains, once each.
        ExternalFakes.fcm().removeStub(hang);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count("select count(*) as n from notifications.outbox "
                + "where id = any(cast(:ids as uuid[])) and status = 'done'", messages) == messages.size());
        assertThat(count("select count(*) as n from notifications.deliveries where outbox_id = any(cast(:ids as uuid[])) "
                + "and channel = 'app_push' and status = 'sent'", messages)).isEqualTo(messages.size());
        // Nothing was given up on: held rounds spend no attempts (the dispatcher's deferral, tested on its own).
        assertThat(count("select count(*) as n from notifications.outbox where id = any(cast(:ids as uuid[])) "
                + "and status = 'dead'", messages)).isZero();
        // The breaker's moves show to operators: it opened, and it is closed again.
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics)
                .containsPattern("notifications_breaker_transitions_total\\{[^}]*provider=\"FCM\"[^}]*to=\"open\"[^}]*} [1-9]")
                .containsPattern("notifications_breaker_state\\{[^}]*provider=\"FCM\"[^}]*state=\"closed\"[^}]*} 1\\.0");
    }

    private long count(String sql, List<UUID> ids) {
        return db.sql(sql).bind("ids", ids.toArray(UUID[]::new)).map(row -> row.get("n", Number.class).longValue()).one()
                .block(Duration.ofSeconds(5));
    }
}
