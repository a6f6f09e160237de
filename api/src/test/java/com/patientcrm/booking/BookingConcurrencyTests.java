package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** No slot is ever overbooked and no key books twice, however many requests arrive at once. */
class BookingConcurrencyTests extends IntegrationTest {

    @Test
    void twoHundredPatientsRaceForFivePlaces() {
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        UUID slot = hospital.slot(seeded, LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(2).atTime(9, 0),
                "Asia/Shanghai", 5);
        List<String> tokens = IntStream.range(0, 200)
                .mapToObj(i -> (String) client("10.201." + (i / 50) + "." + (i % 50 + 1)).post().uri("/api/v1/auth/wechat")
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", "race-" + UUID.randomUUID()))
                        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                        .get("access_token"))
                .toList();

        List<Integer> statuses = Flux.fromIterable(tokens)
                .flatMap(token -> book(token, UUID.randomUUID().toString(), slot), 200)
                .collectList().block(Duration.ofSeconds(120));

        assertThat(statuses).hasSize(200);
        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(5);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(195);
        assertThat(count("select booked as n from app.slots where id = :slot", slot)).isEqualTo(5);
        assertThat(count("select count(*)::int as n from app.appointments where slot_id = :slot", slot)).isEqualTo(5);
        // Two reminders per appointment (the day before, and 2 h before).
        assertThat(count(REMINDERS, slot)).isEqualTo(10);
    }

    private static final String REMINDERS = "select count(*)::int as n from notifications.outbox o "
            + "join app.appointments a on a.id = o.subject_id where a.slot_id = :slot and o.topic = 'appointment.reminder'";

    @Test
    void tenParallelRepeatsOfOneKeyMakeOneAppointment() {
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        UUID slot = hospital.slot(seeded, LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(2).atTime(9, 0),
                "Asia/Shanghai", 5);
        String token = patientToken();
        String key = UUID.randomUUID().toString();

        List<Integer> statuses = Flux.range(0, 10).flatMap(i -> book(token, key, slot), 10)
                .collectList().block(Duration.ofSeconds(60));

        assertThat(statuses).containsOnly(200, 201);
        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
        assertThat(count("select count(*)::int as n from app.appointments where slot_id = :slot", slot)).isEqualTo(1);
        assertThat(count("select booked as n from app.slots where id = :slot", slot)).isEqualTo(1);
        assertThat(count(REMINDERS, slot)).isEqualTo(2);
    }

    private reactor.core.publisher.Mono<Integer> book(String token, String key, UUID slot) {
        return WebClient.create("http://localhost:" + port).post().uri("/api/v1/appointments")
                .headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", key);
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot))
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
    }

    private Integer count(String sql, UUID slot) {
        return db.sql(sql).bind("slot", slot).map(r -> r.get("n", Integer.class)).one().block();
    }
}
