package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.ErrorResponseException;
import reactor.test.StepVerifier;

/** The hospital pushes its catalogue and slots; patients browse, book, repeat safely and cancel. */
class BookingIntegrationTests extends IntegrationTest {

    static final String SHANGHAI = "Asia/Shanghai";

    @Autowired
    AppointmentStore store;

    HospitalFixtures hospital;
    HospitalFixtures.Seeded seeded;
    LocalDateTime inTwoDays;

    @BeforeEach
    void seed() {
        hospital = new HospitalFixtures(http, clientToken());
        seeded = hospital.departmentAndDoctor(SHANGHAI, 14);
        inTwoDays = LocalDate.now(ZoneId.of(SHANGHAI)).plusDays(2).atTime(LocalTime.of(9, 0));
    }

    @Test
    void aPatientFindsAndBooksASlotAndARepeatReturnsTheSameAppointment() {
        UUID slot = hospital.slot(seeded, inTwoDays, SHANGHAI, 3);
        String token = patientToken();

        http.get().uri("/api/v1/doctors?departmentId=" + seeded.departmentId()).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$[0].id").isEqualTo(seeded.doctorId().toString());
        http.get().uri("/api/v1/slots?doctorId=" + seeded.doctorId()).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[0].id").isEqualTo(slot.toString())
                .jsonPath("$[0].remaining").isEqualTo(3)
                .jsonPath("$[0].start").isEqualTo(inTwoDays + ":00+08:00");

        String key = UUID.randomUUID().toString();
        Map<?, ?> booked = book(token, key, Map.of("slotId", slot)).expectStatus().isCreated()
                .expectHeader().exists("Location")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(booked.get("status")).isEqualTo("BOOKED");
        java.time.OffsetDateTime reminderDue = db.sql("select due_at from notifications.outbox where subject_id = :id "
                        + "and topic = 'appointment.reminder' and status = 'pending' order by due_at limit 1")
                .bind("id", UUID.fromString((String) booked.get("id")))
                .map(r -> r.get("due_at", java.time.OffsetDateTime.class)).one().block();
        assertThat(reminderDue.toInstant()).isEqualTo(inTwoDays.minusDays(1).atZone(ZoneId.of(SHANGHAI)).toInstant());

        book(token, key, Map.of("slotId", slot)).expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(booked.get("id"));
        book(token, key, Map.of("slotId", hospital.slot(seeded, inTwoDays.plusHours(1), SHANGHAI, 3)))
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:idempotency-key-reused");

        http.get().uri("/api/v1/slots?doctorId=" + seeded.doctorId()).headers(h -> h.setBearerAuth(token))
                .exchange().expectBody().jsonPath("$[0].remaining").isEqualTo(2);
        http.get().uri("/api/v1/appointments").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(1);
    }

    @Test
    void aBookingNeedsAnIdempotencyKey() {
        UUID slot = hospital.slot(seeded, inTwoDays, SHANGHAI, 3);
        http.post().uri("/api/v1/appointments").headers(h -> h.setBearerAuth(patientToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
        http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(patientToken());
                    h.set("Idempotency-Key", "x".repeat(200));
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
        http.get().uri("/api/v1/appointments?status=someday").headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("status");
    }

    @Test
    void onePersonOneAppointmentPerDoctorPerDayAcrossAccounts() {
        UUID morning = hospital.slot(seeded, inTwoDays, SHANGHAI, 5);
        UUID afternoon = hospital.slot(seeded, inTwoDays.plusHours(5), SHANGHAI, 5);
        String mother = patientToken();
        String father = patientToken();
        // Both parents register the same child (same national ID) under their own accounts.
        UUID childOfMother = addChild(mother);
        UUID childOfFather = addChild(father);

        book(mother, UUID.randomUUID().toString(), Map.of("slotId", morning, "patientId", childOfMother))
                .expectStatus().isCreated();
        book(father, UUID.randomUUID().toString(), Map.of("slotId", afternoon, "patientId", childOfFather))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:duplicate-booking");
    }

    @Test
    void anotherAccountsPatientOrAppointmentIsNotFound() {
        UUID slot = hospital.slot(seeded, inTwoDays, SHANGHAI, 5);
        String owner = patientToken();
        UUID child = addChild(owner);
        String appointment = (String) book(owner, "k-" + UUID.randomUUID(), Map.of("slotId", slot, "patientId", child))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        String stranger = patientToken();
        book(stranger, "k-" + UUID.randomUUID(), Map.of("slotId", slot, "patientId", child)).expectStatus().isNotFound();
        http.get().uri("/api/v1/appointments/" + appointment).headers(h -> h.setBearerAuth(stranger))
                .exchange().expectStatus().isNotFound();
        http.post().uri("/api/v1/appointments/" + appointment + "/cancel").headers(h -> h.setBearerAuth(stranger))
                .exchange().expectStatus().isNotFound();
        http.get().uri("/api/v1/appointments/" + appointment).headers(h -> h.setBearerAuth(owner))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("BOOKED");
    }

    @Test
    void cancellingGivesThePlaceBack() {
        UUID slot = hospital.slot(seeded, inTwoDays, SHANGHAI, 1);
        String token = patientToken();
        String id = (String) book(token, "k-" + UUID.randomUUID(), Map.of("slotId", slot)).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        book(patientToken(), "k-" + UUID.randomUUID(), Map.of("slotId", slot)).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:slot-full");

        http.post().uri("/api/v1/appointments/" + id + "/cancel").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
        http.post().uri("/api/v1/appointments/" + id + "/cancel").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-cancellable");
        book(patientToken(), "k-" + UUID.randomUUID(), Map.of("slotId", slot)).expectStatus().isCreated();

        // The reminders went with the appointment; the patient is told of the booking and the cancellation, and the
        // hospital hears of both.
        List<String> messages = db.sql("select topic || ':' || case when status = 'cancelled' then status else 'live' "
                        + "end as m from notifications.outbox where subject_id = :id order by topic, m")
                .bind("id", UUID.fromString(id)).map(r -> r.get("m", String.class)).all().collectList().block();
        assertThat(messages).containsExactly("appointment.change:live", "appointment.change:live",
                "appointment.reminder:cancelled", "appointment.reminder:cancelled", "webhook.appointment.booked:live",
                "webhook.appointment.cancelled:live");
        http.get().uri("/api/v1/appointments?status=past").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("CANCELLED");
    }

    @Test
    void appointmentListsComePageByPageThroughLinkHeaders() {
        HospitalFixtures.Seeded other = hospital.departmentAndDoctor(SHANGHAI, 14);
        String token = patientToken();
        // Two at the same time with different doctors (ordered by id), then one a day for three days.
        List<UUID> slots = List.of(hospital.slot(seeded, inTwoDays, SHANGHAI, 2), hospital.slot(other, inTwoDays, SHANGHAI, 2),
                hospital.slot(seeded, inTwoDays.plusDays(1), SHANGHAI, 2),
                hospital.slot(seeded, inTwoDays.plusDays(2), SHANGHAI, 2),
                hospital.slot(seeded, inTwoDays.plusDays(3), SHANGHAI, 2));
        List<String> booked = slots.stream().map(slot -> (String) book(token, "k-" + UUID.randomUUID(), Map.of("slotId", slot))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id")).toList();
        // PostgreSQL orders uuids by their bytes, as their lower-case text sorts (java.util.UUID compares signed).
        List<String> sameTime = booked.subList(0, 2).stream().sorted().toList();
        List<String> soonestFirst = new java.util.ArrayList<>(sameTime);
        soonestFirst.addAll(booked.subList(2, 5));

        assertThat(follow(token, "/api/v1/appointments?limit=1")).containsExactlyElementsOf(soonestFirst);
        assertThat(follow(token, "/api/v1/appointments?status=upcoming&limit=2")).containsExactlyElementsOf(soonestFirst);
        http.get().uri("/api/v1/appointments").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectHeader().doesNotExist("Link").expectBody().jsonPath("$.length()").isEqualTo(5);

        for (String id : booked.subList(2, 5)) {
            http.post().uri("/api/v1/appointments/" + id + "/cancel").headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isOk();
        }
        assertThat(follow(token, "/api/v1/appointments?status=past&limit=2"))
                .containsExactly(booked.get(4), booked.get(3), booked.get(2));
        assertThat(follow(token, "/api/v1/appointments?limit=1")).containsExactlyElementsOf(sameTime);

        // A cursor is only good for the list it came from; anything else is a validation problem on it.
        String upcomingNext = http.get().uri("/api/v1/appointments?limit=1").headers(h -> h.setBearerAuth(token)).exchange()
                .returnResult(String.class).getResponseHeaders().getFirst("Link");
        String cursor = upcomingNext.replaceAll(".*cursor=([^>]*)>.*", "$1");
        for (String bad : List.of("status=past&cursor=" + cursor, "cursor=not-a-cursor", "cursor=" + cursor + "x")) {
            http.get().uri("/api/v1/appointments?" + bad).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:validation")
                    .jsonPath("$.errors[0].field").isEqualTo("cursor");
        }
        for (String limit : List.of("0", "201", "x")) {
            http.get().uri("/api/v1/appointments?limit=" + limit).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isBadRequest();
        }
    }

    /** The ids of every page, following each answer's Link rel="next" from {@code first} until there is none. */
    private List<String> follow(String token, String first) {
        List<String> ids = new java.util.ArrayList<>();
        String next = first;
        for (int pages = 0; next != null; pages++) {
            assertThat(pages).as("pages").isLessThan(10);
            var result = http.get().uri(next).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isOk().expectBody(List.class).returnResult();
            for (Object item : result.getResponseBody()) {
                ids.add((String) ((Map<?, ?>) item).get("id"));
            }
            String link = result.getResponseHeaders().getFirst("Link");
            next = link == null ? null : link.replaceAll("^<([^>]*)>; rel=\"next\"$", "$1");
        }
        return ids;
    }

    @Test
    void slotsTooSoonOrBeyondTheHorizonCannotBeBooked() {
        LocalDateTime soon = LocalDateTime.now(ZoneId.of(SHANGHAI)).plusMinutes(20);
        UUID tooSoon = hospital.slot(seeded, soon, SHANGHAI, 5);
        UUID tooFar = hospital.slot(seeded, inTwoDays.plusDays(30), SHANGHAI, 5);
        String token = patientToken();
        for (UUID slot : List.of(tooSoon, tooFar)) {
            book(token, "k-" + UUID.randomUUID(), Map.of("slotId", slot)).expectStatus().isEqualTo(422)
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:slot-not-bookable");
        }
        book(token, "k-" + UUID.randomUUID(), Map.of("slotId", UUID.randomUUID())).expectStatus().isNotFound();
    }

    @Test
    void aPersonHoldsAtMostFiveUpcomingAppointments() {
        String token = patientToken();
        for (int i = 0; i < 5; i++) {
            HospitalFixtures.Seeded other = hospital.departmentAndDoctor(SHANGHAI, 14);
            book(token, "k-" + UUID.randomUUID(), Map.of("slotId", hospital.slot(other, inTwoDays, SHANGHAI, 2)))
                    .expectStatus().isCreated();
        }
        book(token, "k-" + UUID.randomUUID(), Map.of("slotId", hospital.slot(seeded, inTwoDays, SHANGHAI, 2)))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:booking-limit");
    }

    @Test
    void aSlotMovedAfterItWasReadIsNotBookedAndNothingOfTheBookingStays() {
        String external = "slot-" + UUID.randomUUID();
        Map<?, ?> pushed = hospital.slots(List.of(HospitalFixtures.slotItem(external, seeded.doctorExternalId(), inTwoDays,
                SHANGHAI, 3, 1)));
        UUID slot = UUID.fromString((String) ((Map<?, ?>) ((List<?>) pushed.get("items")).get(0)).get("id"));
        UUID account = UUID.randomUUID();
        String key = "k-" + UUID.randomUUID();
        AppointmentStore.BookableSlot read = store.bookingView(slot, account, key).block().slot();
        // Between the booking's read and its statement, the hospital moves the slot an hour later.
        hospital.slots(List.of(HospitalFixtures.slotItem(external, seeded.doctorExternalId(), inTwoDays.plusHours(1),
                SHANGHAI, 3, 2)));

        StepVerifier.create(store.book(account, key, new byte[32], UUID.randomUUID(), read, UUID.randomUUID(),
                        "person".getBytes(java.nio.charset.StandardCharsets.UTF_8), 5, "[]"))
                .expectErrorSatisfies(error -> assertThat(((ErrorResponseException) error).getBody().getType())
                        .hasToString("urn:patientcrm:problem:slot-not-bookable"))
                .verify();
        assertThat(db.sql("select count(*) from app.idempotency_keys where account_id = :account").bind("account", account)
                .map(r -> r.get(0, Long.class)).one().block()).isZero();
        assertThat(db.sql("select booked from app.slots where id = :id").bind("id", slot)
                .map(r -> r.get(0, Integer.class)).one().block()).isZero();
    }

    private WebTestClient.ResponseSpec book(String token, String key, Map<String, ?> body) {
        return http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", key);
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private UUID addChild(String token) {
        return UUID.fromString((String) http.post().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", "Xiao Bao", "nationalId", "110105201501010017"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }
}
