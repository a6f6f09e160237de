package com.patientcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class AuditIntegrationTests extends IntegrationTest {

    private static final String SHANGHAI = "Asia/Shanghai";

    /** A patient with one booked appointment: token, own patient id, appointment id. */
    private record Booked(String token, UUID patientId, UUID appointmentId) {}

    private Booked booked() {
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor(SHANGHAI, 14);
        UUID slot = hospital.slot(seeded, LocalDateTime.now().plusDays(2).withHour(9).withMinute(0).withSecond(0).withNano(0),
                SHANGHAI, 3);
        String token = patientToken();
        Map<?, ?> appointment = http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return new Booked(token, UUID.fromString((String) appointment.get("patientId")),
                UUID.fromString((String) appointment.get("id")));
    }

    private List<Map<String, Object>> rowsFor(String requestId) {
        return db.sql("select actor_kind, actor_id, patient_id, resource, resource_id, action, outcome, request_id "
                        + "from app.audit_events where request_id = :r order by id")
                .bind("r", requestId).fetch().all().collectList().block(Duration.ofSeconds(5));
    }

    @Test
    void aPatientReadingAnAppointmentLeavesOneRowTiedToTheRequest() {
        Booked booked = booked();
        String requestId = "req-" + UUID.randomUUID();
        http.get().uri("/api/v1/appointments/{id}", booked.appointmentId())
                .headers(h -> {
                    h.setBearerAuth(booked.token());
                    h.set("X-Request-Id", requestId);
                })
                .exchange().expectStatus().isOk().expectHeader().valueEquals("X-Request-Id", requestId);

        List<Map<String, Object>> rows = rowsFor(requestId);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("actor_kind", "patient").containsEntry("patient_id", booked.patientId())
                .containsEntry("resource", "appointment").containsEntry("resource_id", booked.appointmentId().toString())
                .containsEntry("action", "read").containsEntry("outcome", "allowed");
        assertThat((String) rows.get(0).get("actor_id")).isNotBlank();
    }

    @Test
    void refusalsAreAuditedWhoeverRefused() {
        Booked booked = booked();
        String other = patientToken();
        String notYours = "req-" + UUID.randomUUID();
        http.get().uri("/api/v1/appointments/{id}", booked.appointmentId()).headers(h -> {
                    h.setBearerAuth(other);
                    h.set("X-Request-Id", notYours);
                })
                .exchange().expectStatus().isNotFound();
        assertThat(rowsFor(notYours)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("actor_kind", "patient").containsEntry("outcome", "not_found")
                .containsEntry("action", "GET")
                .containsEntry("resource", "/api/v1/appointments/" + booked.appointmentId()));

        String anonymous = "req-" + UUID.randomUUID();
        http.get().uri("/api/v1/appointments/{id}", booked.appointmentId()).header("X-Request-Id", anonymous)
                .exchange().expectStatus().isUnauthorized();
        assertThat(rowsFor(anonymous)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("actor_kind", "anonymous").containsEntry("outcome", "denied"));

        String wrongRole = "req-" + UUID.randomUUID();
        http.get().uri("/staff/v1/audit").headers(h -> {
                    h.setBearerAuth(staffToken("agent-9", "FEEDBACK_AGENT"));
                    h.set("X-Request-Id", wrongRole);
                })
                .exchange().expectStatus().isForbidden();
        assertThat(rowsFor(wrongRole)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("actor_kind", "staff").containsEntry("actor_id", "agent-9")
                .containsEntry("outcome", "denied"));
    }

    /**
     * Rows of requests served at the same time are written together (one insert for all of them): each request still
     * finds exactly its own row, with its own patient and outcome, once it has its answer.
     */
    @Test
    void readsAndRefusalsServedTogetherEachLeaveTheirOwnRow() throws Exception {
        Booked booked = booked();
        String other = patientToken();
        record Call(String requestId, String token, int status) {}
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            calls.add(switch (i % 3) {
                case 0 -> new Call("req-" + UUID.randomUUID(), booked.token(), 200);
                case 1 -> new Call("req-" + UUID.randomUUID(), other, 404);
                default -> new Call("req-" + UUID.randomUUID(), null, 401);
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sent = new ArrayList<>();
            for (Call call : calls) {
                sent.add(pool.submit(() -> {
                    start.await();
                    http.get().uri("/api/v1/appointments/{id}", booked.appointmentId()).headers(h -> {
                                if (call.token() != null) {
                                    h.setBearerAuth(call.token());
                                }
                                h.set("X-Request-Id", call.requestId());
                            })
                            .exchange().expectStatus().isEqualTo(call.status());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Call call : calls) {
            List<Map<String, Object>> rows = rowsFor(call.requestId());
            assertThat(rows).as(call.toString()).singleElement().satisfies(row -> {
                switch (call.status()) {
                    case 200 -> assertThat(row).containsEntry("outcome", "allowed").containsEntry("action", "read")
                            .containsEntry("patient_id", booked.patientId())
                            .containsEntry("resource_id", booked.appointmentId().toString());
                    case 404 -> assertThat(row).containsEntry("outcome", "not_found").containsEntry("action", "GET")
                            .containsEntry("actor_kind", "patient");
                    default -> assertThat(row).containsEntry("outcome", "denied").containsEntry("actor_kind", "anonymous");
                }
                if (call.status() != 200) {
                    assertThat(row.get("patient_id")).as("a refusal names no patient").isNull();
                }
            });
        }
    }

    @Test
    void hospitalReadsShowInThePatientsAccessLogAndTheAdminTrail() {
        Booked booked = booked();
        http.get().uri("/api/v1/appointments").headers(h -> h.setBearerAuth(booked.token())).exchange()
                .expectStatus().isOk();
        String since = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).toString();
        http.get().uri(u -> u.path("/integration/v1/appointments").queryParam("updatedSince", since)
                        .queryParam("limit", 500).build())
                .headers(h -> h.setBearerAuth(clientToken())).exchange().expectStatus().isOk();
        http.get().uri(u -> u.path("/fhir/r4/Appointment").queryParam("patient", "Patient/" + booked.patientId()).build())
                .headers(h -> h.setBearerAuth(clientToken())).exchange().expectStatus().isOk();

        // The patient sees the hospital's two reads, not their own.
        http.get().uri("/api/v1/me/access-log").headers(h -> h.setBearerAuth(booked.token())).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].actorKind").isEqualTo("client")
                .jsonPath("$.items[0].actorId").isEqualTo(CLIENT_ID)
                .jsonPath("$.items[0].patientId").isEqualTo(booked.patientId().toString())
                .jsonPath("$.items[0].resource").isEqualTo("appointment");

        String admin = staffToken();
        Map<?, ?> first = http.get().uri(u -> u.path("/staff/v1/audit").queryParam("patientId", booked.patientId())
                        .queryParam("limit", 2).build())
                .headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<?>) first.get("items")).hasSize(2);
        String cursor = (String) first.get("nextCursor");
        assertThat(cursor).isNotNull();
        Map<?, ?> second = http.get().uri(u -> u.path("/staff/v1/audit").queryParam("patientId", booked.patientId())
                        .queryParam("limit", 2).queryParam("cursor", cursor).build())
                .headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        // list read by the patient, feed and FHIR reads by the client: three rows in all.
        assertThat((List<?>) second.get("items")).hasSize(1);
        assertThat(second.get("nextCursor")).isNull();

        http.get().uri(u -> u.path("/staff/v1/audit").queryParam("actor", CLIENT_ID).queryParam("actorKind", "client")
                        .queryParam("from", since).build())
                .headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].actorId").isEqualTo(CLIENT_ID);
        http.get().uri("/staff/v1/audit?cursor=abc").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isBadRequest();
        http.get().uri("/staff/v1/audit?limit=1000").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void auditRowsCannotBeChangedOrDeleted() {
        Booked booked = booked();
        http.get().uri("/api/v1/appointments/{id}", booked.appointmentId()).headers(h -> h.setBearerAuth(booked.token()))
                .exchange().expectStatus().isOk();
        for (String sql : List.of("update app.audit_events set outcome = 'denied' where patient_id = :p",
                "delete from app.audit_events where patient_id = :p")) {
            assertThatThrownBy(() -> db.sql(sql).bind("p", booked.patientId()).fetch().rowsUpdated()
                    .block(Duration.ofSeconds(5))).as(sql).hasMessageContaining("append-only");
        }
        assertThatThrownBy(() -> db.sql("truncate app.audit_events").then().block(Duration.ofSeconds(5)))
                .hasMessageContaining("append-only");
        Long rows = db.sql("select count(*) as n from app.audit_events where patient_id = :p").bind("p", booked.patientId())
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
        assertThat(rows).isEqualTo(1);
    }
}
