package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The waitlist of a full doctor-day: a freed place is held for the first in line (nobody else can take it), claimed
 * as an appointment, or passed on when the hold lapses or is declined; capacity the hospital adds goes there first.
 */
class WaitlistIntegrationTests extends IntegrationTest {

    private HospitalFixtures hospital;
    private HospitalFixtures.Seeded seeded;
    private LocalDateTime start;
    private UUID slot;

    @BeforeEach
    void fullDay() {
        hospital = new HospitalFixtures(http, clientToken());
        seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        start = LocalDate.now().plusDays(3).atTime(10, 0);
        slot = hospital.slot(seeded, start, "Asia/Shanghai", 1);
    }

    @Test
    void aFreedPlaceIsHeldForTheFirstInLineAndClaimed() {
        String first = patientToken();
        String second = patientToken();
        String third = patientToken();
        join(second).expectStatus().isEqualTo(409).expectBody().jsonPath("$.type")
                .isEqualTo("urn:patientcrm:problem:places-available");
        String booked = book(first, slot).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();

        Map<String, Object> secondEntry = map(join(second).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody());
        assertThat(secondEntry).containsEntry("status", "WAITING").containsEntry("position", 1);
        join(second).expectStatus().isEqualTo(409).expectBody().jsonPath("$.type")
                .isEqualTo("urn:patientcrm:problem:already-waiting");
        join(third).expectStatus().isCreated().expectBody().jsonPath("$.position").isEqualTo(2);

        http.post().uri("/api/v1/appointments/" + booked + "/cancel").headers(h -> h.setBearerAuth(first)).exchange()
                .expectStatus().isOk();

        // Held for the first in line: nobody else can take it.
        Map<String, Object> offered = entries(second).get(0);
        assertThat(offered.get("status")).isEqualTo("OFFERED");
        assertThat(((Map<?, ?>) offered.get("offer")).get("slotId")).isEqualTo(slot.toString());
        book(patientToken(), slot).expectStatus().isEqualTo(409);
        assertThat(entries(third).get(0)).containsEntry("status", "WAITING").containsEntry("position", 1);
        assertThat(db.sql("select count(*) as n from notifications.outbox where topic = 'waitlist.offer' and subject_id = :id")
                .bind("id", UUID.fromString((String) secondEntry.get("id"))).map(r -> r.get("n", Long.class)).one().block())
                .isEqualTo(1);

        http.post().uri("/api/v1/waitlist/" + secondEntry.get("id") + "/claim").headers(h -> h.setBearerAuth(second))
                .exchange().expectStatus().isCreated().expectBody()
                .jsonPath("$.status").isEqualTo("BOOKED").jsonPath("$.slotId").isEqualTo(slot.toString());
        assertThat(entries(second).get(0)).containsEntry("status", "BOOKED");
        http.post().uri("/api/v1/waitlist/" + secondEntry.get("id") + "/claim").headers(h -> h.setBearerAuth(second))
                .exchange().expectStatus().isEqualTo(409);
        assertThat(booked(slot)).isEqualTo(1);
    }

    @Test
    void anUnclaimedHoldPassesToTheNextAndADeclinedOneFreesThePlace() {
        String first = patientToken();
        String second = patientToken();
        String third = patientToken();
        String booked = book(first, slot).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();
        String secondEntry = join(second).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();
        String thirdEntry = join(third).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();

        http.post().uri("/api/v1/appointments/" + booked + "/cancel").headers(h -> h.setBearerAuth(first)).exchange()
                .expectStatus().isOk();
        assertThat(entries(second).get(0)).containsEntry("status", "OFFERED");

        // The 3 s hold lapses; the dispatcher passes the place on.
        await().atMost(Duration.ofSeconds(30)).until(() -> "OFFERED".equals(entries(third).get(0).get("status")));
        assertThat(entries(second).get(0)).containsEntry("status", "EXPIRED");
        // The one whose hold lapsed hears that the place went on, in the app.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(inbox(second))
                .as(holdEndedStatuses()).contains("waitlist_hold_lapsed"));
        http.post().uri("/api/v1/waitlist/" + secondEntry + "/claim").headers(h -> h.setBearerAuth(second))
                .exchange().expectStatus().isEqualTo(409);
        assertThat(booked(slot)).isEqualTo(1);

        http.delete().uri("/api/v1/waitlist/" + thirdEntry).headers(h -> h.setBearerAuth(third)).exchange()
                .expectStatus().isNoContent();
        assertThat(entries(third).get(0)).containsEntry("status", "LEFT");
        assertThat(booked(slot)).isZero();
        book(patientToken(), slot).expectStatus().isCreated();
    }

    @Test
    void stoppingTheSessionTakesTheHeldPlaceAndReopeningItOffersItAgain() {
        Held held = heldPlace();
        String waiting = held.token();
        String entry = held.entryId();

        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/cancel")
                .headers(h -> h.setBearerAuth(clientToken())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", start.toLocalDate().toString(), "reason", "doctor ill")).exchange()
                .expectStatus().isOk();

        // The hold went with the stopped slot; the entry waits again, first in line.
        assertThat(entries(waiting).get(0)).containsEntry("status", "WAITING").containsEntry("position", 1)
                .containsEntry("offer", null);
        // They are told, as the patients whose appointments were cancelled are (a critical change: never muted).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(inbox(waiting))
                .as(holdEndedStatuses()).contains("waitlist_hold_withdrawn"));
        assertThat(db.sql("select count(*) as n from notifications.outbox where topic = 'waitlist.hold-ended' "
                        + "and subject_id = :id").bind("id", UUID.fromString(entry)).map(r -> r.get("n", Long.class))
                .one().block()).isEqualTo(1);
        http.post().uri("/api/v1/waitlist/" + entry + "/claim").headers(h -> h.setBearerAuth(waiting)).exchange()
                .expectStatus().isEqualTo(409);
        assertThat(booked(slot)).isZero();
        String later = patientToken();
        join(later).expectStatus().isCreated();

        // The hospital opens the session again: the place is held for the first in line, in the same transaction.
        reopen(Map.of("date", start.toLocalDate().toString())).expectStatus().isOk()
                .expectBody().jsonPath("$.slotsReopened").isEqualTo(1);
        assertThat(entries(waiting).get(0)).containsEntry("status", "OFFERED");
        assertThat(entries(later).get(0)).containsEntry("status", "WAITING").containsEntry("position", 1);
        assertThat(booked(slot)).isEqualTo(1);
        http.post().uri("/api/v1/waitlist/" + entry + "/claim").headers(h -> h.setBearerAuth(waiting)).exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.slotId").isEqualTo(slot.toString());
        // A repeat opens nothing.
        reopen(Map.of("date", start.toLocalDate().toString())).expectStatus().isOk()
                .expectBody().jsonPath("$.slotsReopened").isEqualTo(0);
    }

    /**
     * A held place is claimed under the booking rules of the moment: when the hospital moves the slot so close that
     * booking it would break its department's minimum notice, the claim is refused and nothing is booked.
     */
    @Test
    void aHeldPlaceThatBecameTooSoonCannotBeClaimed() {
        String external = db.sql("select external_id from app.slots where id = :id").bind("id", slot)
                .map(r -> r.get("external_id", String.class)).one().block();
        Held held = heldPlace();
        String waiting = held.token();
        String entry = held.entryId();

        java.time.LocalDateTime soon = java.time.LocalDateTime.now(java.time.ZoneId.of("Asia/Shanghai")).plusMinutes(20);
        hospital.slots(List.of(HospitalFixtures.slotItem(external, seeded.doctorExternalId(), soon, "Asia/Shanghai", 1, 2)));

        http.post().uri("/api/v1/waitlist/" + entry + "/claim").headers(h -> h.setBearerAuth(waiting)).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.detail").isEqualTo("The held place is no longer available.");
        assertThat(db.sql("select count(*) as n from app.appointments where slot_id = :slot and status = 'BOOKED'")
                .bind("slot", slot).map(r -> r.get("n", Long.class)).one().block()).isZero();
    }

    @Test
    void reopeningNeedsAKnownDoctorAndWellFormedTimes() {
        reopen(Map.of("date", start.toLocalDate().toString(), "from", "")).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        reopen(Map.of("date", start.toLocalDate().toString(), "from", "14:00", "to", "09:00")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("to");
        reopen(Map.of("from", "09:00")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("date");
        http.post().uri("/integration/v1/doctors/no-such-doctor/sessions/reopen")
                .headers(h -> h.setBearerAuth(clientToken())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", start.toLocalDate().toString())).exchange().expectStatus().isNotFound();
        // A patient's token is not the hospital's.
        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/reopen")
                .headers(h -> h.setBearerAuth(patientToken())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", start.toLocalDate().toString())).exchange().expectStatus().isForbidden();
    }

    /** A waiting patient's token and entry, holding the slot's one place after its first booking was cancelled. */
    private record Held(String token, String entryId) {}

    private Held heldPlace() {
        String first = patientToken();
        String booked = book(first, slot).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();
        String waiting = patientToken();
        String entry = join(waiting).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();
        http.post().uri("/api/v1/appointments/" + booked + "/cancel").headers(h -> h.setBearerAuth(first)).exchange()
                .expectStatus().isOk();
        assertThat(entries(waiting).get(0)).containsEntry("status", "OFFERED");
        return new Held(waiting, entry);
    }

    private WebTestClient.ResponseSpec reopen(Map<String, ?> body) {
        return http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/reopen")
                .headers(h -> h.setBearerAuth(clientToken())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    @Test
    void capacityTheHospitalAddsGoesToTheWaitlistFirst() {
        book(patientToken(), slot).expectStatus().isCreated();
        String waiting = patientToken();
        join(waiting).expectStatus().isCreated();
        String external = db.sql("select external_id from app.slots where id = :id").bind("id", slot)
                .map(r -> r.get("external_id", String.class)).one().block();

        hospital.slots(List.of(HospitalFixtures.slotItem(external, seeded.doctorExternalId(), start, "Asia/Shanghai", 2, 2)));

        assertThat(entries(waiting).get(0)).containsEntry("status", "OFFERED");
        assertThat(booked(slot)).isEqualTo(2);
    }

    @Test
    void entriesArePrivateAndTheDayMustBeBookable() {
        book(patientToken(), slot).expectStatus().isCreated();
        String owner = patientToken();
        String entry = join(owner).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id").toString();
        String stranger = patientToken();
        http.delete().uri("/api/v1/waitlist/" + entry).headers(h -> h.setBearerAuth(stranger)).exchange()
                .expectStatus().isNotFound();
        http.post().uri("/api/v1/waitlist/" + entry + "/claim").headers(h -> h.setBearerAuth(stranger)).exchange()
                .expectStatus().isNotFound();
        assertThat(entries(stranger)).isEmpty();

        waitlist(owner, Map.of("doctorId", seeded.doctorId(), "date", LocalDate.now().plusDays(30).toString()))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("date");
        waitlist(owner, Map.of("doctorId", UUID.randomUUID(), "date", start.toLocalDate().toString()))
                .expectStatus().isNotFound();
        waitlist(owner, Map.of("date", start.toLocalDate().toString())).expectStatus().isBadRequest();
    }

    private WebTestClient.ResponseSpec join(String token) {
        return waitlist(token, Map.of("doctorId", seeded.doctorId(), "date", start.toLocalDate().toString()));
    }

    private WebTestClient.ResponseSpec waitlist(String token, Map<String, ?> body) {
        return http.post().uri("/api/v1/waitlist").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    /** The in-app inbox of the account, each item as its category and the template its title came from. */
    private List<String> inbox(String token) {
        List<?> items = (List<?>) http.get().uri("/api/v1/me/notifications").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items");
        return items.stream().map(i -> (Map<?, ?>) i).map(i -> switch ((String) i.get("title")) {
            case "候补号源已撤回", "Held place withdrawn" -> "waitlist_hold_withdrawn";
            case "候补保留已过期", "Held place released" -> "waitlist_hold_lapsed";
            default -> String.valueOf(i.get("title"));
        }).toList();
    }

    /** Every waitlist.hold-ended message's status and reason, for a failure to show why one was not delivered. */
    private String holdEndedStatuses() {
        return db.sql("select string_agg(status || ':' || coalesce(last_error, '-'), ', ') as s "
                        + "from notifications.outbox where topic = 'waitlist.hold-ended'")
                .map(r -> String.valueOf(r.get("s", String.class))).one().block();
    }

    private List<Map<String, Object>> entries(String token) {
        return http.get().uri("/api/v1/waitlist").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBodyList(Map.class).returnResult().getResponseBody().stream().map(WaitlistIntegrationTests::map).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<?, ?> raw) {
        return (Map<String, Object>) raw;
    }

    private WebTestClient.ResponseSpec book(String token, UUID slotId) {
        return http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slotId)).exchange();
    }

    private int booked(UUID slotId) {
        return db.sql("select booked from app.slots where id = :id").bind("id", slotId)
                .map(r -> r.get("booked", Integer.class)).one().block();
    }
}
