package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import com.patientcrm.support.VisitTime;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Rescheduling is all or nothing; the hospital records visits, stops sessions and follows changes. */
class RescheduleAndVisitIntegrationTests extends IntegrationTest {

    static final String ZONE = "Asia/Shanghai";

    HospitalFixtures hospital;
    HospitalFixtures.Seeded seeded;
    LocalDateTime day;
    String client;

    @BeforeEach
    void seed() {
        client = clientToken();
        hospital = new HospitalFixtures(http, client);
        seeded = hospital.departmentAndDoctor(ZONE, 14);
        day = LocalDate.now(ZoneId.of(ZONE)).plusDays(3).atTime(9, 0);
    }

    @Test
    void reschedulingMovesThePlaceAndTheReminder() {
        UUID from = hospital.slot(seeded, day, ZONE, 2);
        UUID to = hospital.slot(seeded, day.plusDays(1), ZONE, 2);
        String token = patientToken();
        String id = book(token, from);

        reschedule(token, id, to).expectStatus().isOk()
                .expectBody().jsonPath("$.slotId").isEqualTo(to.toString()).jsonPath("$.status").isEqualTo("BOOKED");

        assertThat(booked(from)).isZero();
        assertThat(booked(to)).isEqualTo(1);
        List<String> reminders = db.sql("select status || '@' || due_at::text as r from notifications.outbox "
                        + "where subject_id = :id and topic = 'appointment.reminder' order by created_at, due_at")
                .bind("id", UUID.fromString(id)).map(r -> r.get("r", String.class)).all().collectList().block();
        // The two reminders of the old time were withdrawn; two for the new time wait.
        assertThat(reminders).hasSize(4);
        assertThat(reminders.subList(0, 2)).allMatch(r -> r.startsWith("cancelled@"));
        assertThat(reminders.subList(2, 4)).allMatch(r -> r.startsWith("pending@"));
        assertThat(db.sql("select count(*) as n from notifications.outbox where subject_id = :id "
                        + "and topic = 'appointment.change' and payload ->> 'change' = 'rescheduled'")
                .bind("id", UUID.fromString(id)).map(r -> r.get("n", Long.class)).one().block()).isEqualTo(1);
    }

    @Test
    void aFullTargetChangesNothing() {
        UUID from = hospital.slot(seeded, day, ZONE, 2);
        UUID full = hospital.slot(seeded, day.plusDays(1), ZONE, 1);
        String token = patientToken();
        String id = book(token, from);
        book(patientToken(), full);

        reschedule(token, id, full).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:slot-full");
        assertThat(booked(from)).isEqualTo(1);
        assertThat(booked(full)).isEqualTo(1);
        http.get().uri("/api/v1/appointments/" + id).headers(h -> h.setBearerAuth(token)).exchange()
                .expectBody().jsonPath("$.slotId").isEqualTo(from.toString());
    }

    @Test
    void parallelReschedulesIntoTheLastPlaceOneWins() {
        UUID lastSeat = hospital.slot(seeded, day.plusDays(1), ZONE, 1);
        List<String[]> bookings = Flux.range(0, 8).map(i -> {
            String token = patientToken();
            return new String[] {token, book(token, hospital.slot(seeded, day.plusMinutes(10L * i), ZONE, 1))};
        }).collectList().block();

        List<String> statuses = Flux.fromIterable(bookings)
                .flatMap(b -> WebClient.create("http://localhost:" + port).post()
                        .uri("/api/v1/appointments/" + b[1] + "/reschedule")
                        .headers(h -> h.setBearerAuth(b[0])).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("slotId", lastSeat))
                        .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                                .map(body -> r.statusCode().value() == 409 ? "409" : r.statusCode().value() + " " + body)), 8)
                .collectList().block(Duration.ofSeconds(60));

        assertThat(statuses).filteredOn(s -> s.startsWith("200 ")).hasSize(1);
        assertThat(statuses).filteredOn(s -> !s.startsWith("200 ")).containsOnly("409");
        assertThat(booked(lastSeat)).isEqualTo(1);
    }

    /**
     * The same appointment cancelled and moved from several devices at once: one change wins, and every other answer
     * says the appointment changed, never that it is too close to the start (it is days away).
     */
    @Test
    void concurrentChangesToOneAppointmentLoseWithTheRightReason() {
        String token = patientToken();
        String id = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID elsewhere = hospital.slot(seeded, day.plusHours(2), ZONE, 8);
        List<String> answers = Flux.range(0, 8)
                .flatMap(i -> WebClient.create("http://localhost:" + port).post()
                        .uri("/api/v1/appointments/" + id + (i % 2 == 0 ? "/cancel" : "/reschedule"))
                        .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(i % 2 == 0 ? Map.of() : Map.of("slotId", elsewhere))
                        .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                                .map(body -> r.statusCode().value() + " " + body)), 8)
                .collectList().block(Duration.ofSeconds(60));

        assertThat(answers).filteredOn(a -> a.startsWith("200 ")).isNotEmpty();
        assertThat(answers).filteredOn(a -> !a.startsWith("200 "))
                .allSatisfy(a -> assertThat(a).startsWith("409 ").contains("not-cancellable").doesNotContain("too close"));
        assertThat(status(id)).isIn("CANCELLED", "BOOKED");
    }

    @Test
    void theHospitalRecordsAVisitAndEveryChangeIsKept() {
        String token = patientToken();
        String id = book(token, hospital.slot(seeded, day, ZONE, 2));
        // Days before the visit, no outcome can be recorded yet.
        for (String early : List.of("CHECKED_IN", "COMPLETED", "NO_SHOW")) {
            visit(id, early).expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:visit-too-early");
        }
        assertThat(status(id)).isEqualTo("BOOKED");
        VisitTime.arrive(db, UUID.fromString(id));

        visit(id, "CHECKED_IN").expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CHECKED_IN");
        visit(id, "CHECKED_IN").expectStatus().isOk();
        visit(id, "COMPLETED").expectStatus().isOk();
        visit(id, "NO_SHOW").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:invalid-transition");
        visit(UUID.randomUUID().toString(), "COMPLETED").expectStatus().isNotFound();

        List<String> history = db.sql("select status || ':' || actor_kind as h from app.appointment_status_history "
                        + "where appointment_id = :id order by id")
                .bind("id", UUID.fromString(id)).map(r -> r.get("h", String.class)).all().collectList().block();
        assertThat(history).containsExactly("BOOKED:patient", "CHECKED_IN:hospital", "COMPLETED:hospital");
        List<String> visits = db.sql("select payload ->> 'status' as s from notifications.outbox "
                        + "where subject_id = :id and topic = 'appointment.visit'")
                .bind("id", UUID.fromString(id)).map(r -> r.get("s", String.class)).all().collectList().block();
        assertThat(visits).containsExactly("COMPLETED");
        http.get().uri("/api/v1/appointments?status=past").headers(h -> h.setBearerAuth(token)).exchange()
                .expectBody().jsonPath("$[0].status").isEqualTo("COMPLETED");
    }

    @Test
    void stoppingASessionCancelsItsAppointmentsAndTellsEachPatient() {
        UUID morning = hospital.slot(seeded, day, ZONE, 3);
        UUID afternoon = hospital.slot(seeded, day.plusHours(5), ZONE, 3);
        String a = book(patientToken(), morning);
        String b = book(patientToken(), morning);
        String c = book(patientToken(), afternoon);

        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/cancel")
                .headers(h -> h.setBearerAuth(client)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", day.toLocalDate().toString(), "to", "12:00", "reason", "Doctor unwell"))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.slotsBlocked").isEqualTo(1).jsonPath("$.appointmentsCancelled").isEqualTo(2);

        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/cancel")
                .headers(h -> h.setBearerAuth(client)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reason", "no date"))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("date");
        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/cancel")
                .headers(h -> h.setBearerAuth(client)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", day.toLocalDate().toString(), "from", "14:00", "to", "12:00"))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("to");
        // An empty time is malformed, not "from the start of the day": the afternoon is left alone.
        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/cancel")
                .headers(h -> h.setBearerAuth(client)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", day.toLocalDate().toString(), "from", ""))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request")
                .jsonPath("$.detail").isEqualTo("The request body's 'from' is not of the expected type or form.");
        assertThat(status(a)).isEqualTo("CANCELLED_BY_HOSPITAL");
        assertThat(status(b)).isEqualTo("CANCELLED_BY_HOSPITAL");
        assertThat(status(c)).isEqualTo("BOOKED");
        assertThat(booked(morning)).isZero();
        Long critical = db.sql("select count(*) as n from notifications.outbox where topic = 'appointment.change' "
                        + "and subject_id in (:a, :b) and payload ->> 'change' = 'cancelled_by_hospital'")
                .bind("a", UUID.fromString(a)).bind("b", UUID.fromString(b)).map(r -> r.get("n", Long.class)).one().block();
        assertThat(critical).isEqualTo(2);
        http.get().uri("/api/v1/slots?doctorId=" + seeded.doctorId()).headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectBody().jsonPath("$.length()").isEqualTo(1);

        // Reopened: the morning is offered again with all its places; the appointments the stop cancelled stay so.
        http.post().uri("/integration/v1/doctors/" + seeded.doctorExternalId() + "/sessions/reopen")
                .headers(h -> h.setBearerAuth(client)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("date", day.toLocalDate().toString(), "to", "12:00"))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.slotsReopened").isEqualTo(1);
        http.get().uri("/api/v1/slots?doctorId=" + seeded.doctorId()).headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectBody().jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].id").isEqualTo(morning.toString()).jsonPath("$[0].remaining").isEqualTo(3);
        assertThat(status(a)).isEqualTo("CANCELLED_BY_HOSPITAL");
        assertThat(status(b)).isEqualTo("CANCELLED_BY_HOSPITAL");
        book(patientToken(), morning);
        assertThat(booked(morning)).isEqualTo(1);
    }

    /**
     * A session cancellation's two reads by slot (the live appointments to cancel, the recount of places) can use an
     * index, so that they do not read every appointment ever booked (the tables here are too small for the planner to
     * choose it unprompted: sequential scans are turned off for the check).
     */
    @Test
    void aSessionCancellationFindsTheSlotsAppointmentsByIndex() {
        for (String query : List.of(
                "select id from app.appointments where slot_id = any(array['" + UUID.randomUUID() + "'::uuid]) "
                        + "and status = 'BOOKED'",
                "select count(*) from app.appointments a where a.slot_id = '" + UUID.randomUUID() + "' "
                        + "and a.status in ('BOOKED', 'CHECKED_IN')")) {
            String plan = db.inConnection(connection -> Flux.from(connection.beginTransaction())
                    .thenMany(Flux.from(connection.createStatement("set local enable_seqscan = off").execute())
                            .flatMap(io.r2dbc.spi.Result::getRowsUpdated))
                    .thenMany(Flux.from(connection.createStatement("explain " + query).execute())
                            .flatMap(result -> result.map((row, meta) -> row.get(0, String.class))))
                    .collectList()
                    .flatMap(lines -> reactor.core.publisher.Mono.from(connection.rollbackTransaction())
                            .thenReturn(String.join("\n", lines)))).block();
            assertThat(plan).as(query).contains("appointments_live_by_slot");
        }
    }

    @Test
    void theChangeFeedPagesWithoutGapsOrRepeats() {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1);
        UUID slot = hospital.slot(seeded, day, ZONE, 5);
        List<String> ids = List.of(book(patientToken(), slot), book(patientToken(), slot), book(patientToken(), slot));

        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        boolean more;
        do {
            Map<?, ?> page = feed(cursor == null ? "updatedSince=" + since.toString().replace("+", "%2B") : "cursor=" + cursor);
            ((List<?>) page.get("items")).forEach(item -> seen.add((String) ((Map<?, ?>) item).get("id")));
            cursor = (String) page.get("nextCursor");
            more = (Boolean) page.get("hasMore");
        } while (more);

        assertThat(seen).containsAll(ids).doesNotHaveDuplicates();
        assertThat(cursor).isNotNull();
        assertThat((List<?>) feed("cursor=" + cursor).get("items")).isEmpty();
        http.get().uri("/integration/v1/appointments").headers(h -> h.setBearerAuth(client)).exchange()
                .expectStatus().isBadRequest();
        http.get().uri("/integration/v1/appointments?cursor=nonsense").headers(h -> h.setBearerAuth(client)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
    }

    @Test
    void aChangeCommittedLateIsNotSkippedByTheFeed() {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1);
        UUID slot = hospital.slot(seeded, day, ZONE, 5);
        String first = book(patientToken(), slot);
        String cursor = drain(feed("updatedSince=" + since.toString().replace("+", "%2B")), new java.util.ArrayList<>());

        // A transaction that changed the first appointment stays open while a second booking commits.
        io.r2dbc.spi.Connection open = reactor.core.publisher.Mono.from(connections.create()).block();
        try {
            reactor.core.publisher.Mono.from(open.beginTransaction()).block();
            reactor.core.publisher.Flux.from(open.createStatement("update app.appointments set updated_at = now() where id = $1")
                    .bind("$1", UUID.fromString(first)).execute()).flatMap(io.r2dbc.spi.Result::getRowsUpdated).blockLast();
            String second = book(patientToken(), slot);

            // The later commit is held back while the earlier transaction runs, so it cannot overtake it.
            Map<?, ?> meanwhile = feed("cursor=" + cursor);
            assertThat((List<?>) meanwhile.get("items")).isEmpty();
            assertThat(meanwhile.get("nextCursor")).isEqualTo(cursor);

            reactor.core.publisher.Mono.from(open.commitTransaction()).block();
            List<String> after = new java.util.ArrayList<>();
            drain(feed("cursor=" + cursor), after);
            assertThat(after).containsExactly(first, second);
        } finally {
            reactor.core.publisher.Mono.from(open.close()).block();
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.r2dbc.spi.ConnectionFactory connections;

    private Map<?, ?> feed(String query) {
        return http.get().uri("/integration/v1/appointments?limit=50&" + query).headers(h -> h.setBearerAuth(client))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    /** Follows the feed from this page until it has nothing more; collects the ids seen; answers the last cursor. */
    private String drain(Map<?, ?> page, List<String> seen) {
        while (true) {
            ((List<?>) page.get("items")).forEach(item -> seen.add((String) ((Map<?, ?>) item).get("id")));
            if (!(Boolean) page.get("hasMore")) {
                return (String) page.get("nextCursor");
            }
            page = feed("cursor=" + page.get("nextCursor"));
        }
    }

    private String book(String token, UUID slot) {
        return (String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private WebTestClient.ResponseSpec reschedule(String token, String id, UUID slot) {
        return http.post().uri("/api/v1/appointments/" + id + "/reschedule").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange();
    }

    private WebTestClient.ResponseSpec visit(String id, String status) {
        return http.patch().uri("/integration/v1/appointments/" + id).headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("status", status)).exchange();
    }

    private int booked(UUID slot) {
        return db.sql("select booked from app.slots where id = :id").bind("id", slot)
                .map(r -> r.get("booked", Integer.class)).one().block();
    }

    private String status(String appointment) {
        return db.sql("select status from app.appointments where id = :id").bind("id", UUID.fromString(appointment))
                .map(r -> r.get("status", String.class)).one().block();
    }
}
