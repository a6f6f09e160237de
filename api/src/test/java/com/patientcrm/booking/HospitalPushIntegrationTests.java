package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Hospital pushes: replays and out-of-order versions never roll data back; bad batch items fail alone. */
class HospitalPushIntegrationTests extends IntegrationTest {

    HospitalFixtures hospital;

    @BeforeEach
    void client() {
        hospital = new HospitalFixtures(http, clientToken());
    }

    @Test
    void anOlderVersionArrivingLateIsIgnored() {
        String ext = "dep-" + UUID.randomUUID();
        Map<?, ?> v2 = hospital.put("/integration/v1/departments/" + ext, Map.of("name", "Neurology", "version", 2));
        Map<?, ?> v1 = hospital.put("/integration/v1/departments/" + ext, Map.of("name", "Old name", "version", 1));
        Map<?, ?> replay = hospital.put("/integration/v1/departments/" + ext, Map.of("name", "Neurology", "version", 2));

        assertThat(v2.get("applied")).isEqualTo(true);
        assertThat(v1.get("applied")).isEqualTo(false);
        assertThat(replay.get("applied")).isEqualTo(false);
        assertThat(v1.get("id")).isEqualTo(v2.get("id"));
        http.get().uri("/api/v1/departments").headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isOk().expectBody(List.class)
                .value(list -> assertThat(list.toString()).contains("Neurology").doesNotContain("Old name"));
    }

    /** The lists are answered from memory; an upsert through this instance shows in them at once all the same. */
    @Test
    void theListsPatientsBrowseShowAnUpsertAtOnce() {
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        String patient = patientToken();
        String doctors = "/api/v1/doctors?departmentId=" + seeded.departmentId();
        assertThat(list(doctors, patient)).contains("Dr. Chen").doesNotContain("Dr. Renamed");
        assertThat(list("/api/v1/departments", patient)).contains(seeded.departmentId().toString());

        hospital.put("/integration/v1/doctors/" + seeded.doctorExternalId(), Map.of("departmentExternalId",
                seeded.departmentExternalId(), "name", "Dr. Renamed", "version", 2));
        assertThat(list(doctors, patient)).contains("Dr. Renamed").doesNotContain("Dr. Chen");
        assertThat(list("/api/v1/doctors", patient)).contains("Dr. Renamed");

        hospital.put("/integration/v1/doctors/" + seeded.doctorExternalId(), Map.of("departmentExternalId",
                seeded.departmentExternalId(), "name", "Dr. Renamed", "version", 3, "active", false));
        assertThat(list(doctors, patient)).isEqualTo("[]");

        hospital.put("/integration/v1/departments/" + seeded.departmentExternalId(), Map.of("name", "Closed",
                "version", 2, "active", false));
        assertThat(list("/api/v1/departments", patient)).doesNotContain(seeded.departmentId().toString());
    }

    private String list(String path, String token) {
        return http.get().uri(path).headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    @Test
    void aDoctorOfAnUnknownDepartmentIsUnprocessable() {
        http.put().uri("/integration/v1/doctors/doc-" + UUID.randomUUID()).headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("departmentExternalId", "nope", "name", "Dr. Who", "version", 1))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:unknown-reference");
    }

    @Test
    void aBatchStoresItsValidItemsAndReportsTheOthers() {
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        LocalDateTime start = LocalDate.now().plusDays(3).atTime(10, 0);
        Map<String, Object> good = HospitalFixtures.slotItem("s-" + UUID.randomUUID(), seeded.doctorExternalId(), start,
                "Asia/Shanghai", 4, 1);
        Map<String, Object> unknownDoctor = HospitalFixtures.slotItem("s-" + UUID.randomUUID(), "nobody", start,
                "Asia/Shanghai", 4, 1);
        Map<String, Object> backwards = HospitalFixtures.slotItem("s-" + UUID.randomUUID(), seeded.doctorExternalId(),
                start, "Asia/Shanghai", 4, 1);
        backwards.put("end", start.minusHours(1).toString());
        Map<String, Object> badZone = HospitalFixtures.slotItem("s-" + UUID.randomUUID(), seeded.doctorExternalId(),
                start, "Mars/Olympus", 4, 1);

        Map<?, ?> result = hospital.slots(List.of(good, unknownDoctor, backwards, badZone));
        assertThat(result.get("stored")).isEqualTo(1);
        assertThat(result.get("rejected")).isEqualTo(3);

        Map<?, ?> replay = hospital.slots(List.of(good));
        assertThat(replay.get("stale")).isEqualTo(1);
        // A stale item still names the stored slot.
        assertThat(((Map<?, ?>) ((List<?>) replay.get("items")).get(0)).get("id"))
                .isEqualTo(((Map<?, ?>) ((List<?>) result.get("items")).get(0)).get("id"));
    }

    @Test
    void aFullBatchOfTenThousandSlotsIsStored() {
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        LocalDateTime first = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(1).atTime(8, 0);
        List<Map<String, Object>> items = java.util.stream.IntStream.range(0, 10_000)
                .mapToObj(i -> HospitalFixtures.slotItem("bulk-" + i + "-" + seeded.doctorExternalId(),
                        seeded.doctorExternalId(), first.plusMinutes(5L * i), "Asia/Shanghai", 1, 1))
                .toList();

        Map<?, ?> result = hospital.slots(items);

        assertThat(result.get("stored")).isEqualTo(10_000);
        Long stored = db.sql("select count(*) as n from app.slots s join app.doctors d on d.id = s.doctor_id "
                        + "where d.external_id = :doctor").bind("doctor", seeded.doctorExternalId())
                .map(r -> r.get("n", Long.class)).one().block();
        assertThat(stored).isEqualTo(10_000L);
    }

    @Test
    void moreThanTenThousandSlotsIsAValidationProblem() {
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        LocalDateTime first = LocalDate.now().plusDays(1).atTime(8, 0);
        List<Map<String, Object>> items = java.util.stream.IntStream.range(0, 10_001)
                .mapToObj(i -> HospitalFixtures.slotItem("over-" + i, seeded.doctorExternalId(), first, "Asia/Shanghai", 1, 1))
                .toList();
        http.post().uri("/integration/v1/slots").headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slots", items))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("slots");
    }

    @Test
    void capacityCannotDropBelowWhatIsBooked() {
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
        LocalDateTime start = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(2).atTime(9, 0);
        String ext = "s-" + UUID.randomUUID();
        Map<?, ?> stored = hospital.slots(List.of(HospitalFixtures.slotItem(ext, seeded.doctorExternalId(), start,
                "Asia/Shanghai", 2, 1)));
        String slotId = (String) ((Map<?, ?>) ((List<?>) stored.get("items")).get(0)).get("id");
        for (int i = 0; i < 2; i++) {
            http.post().uri("/api/v1/appointments").headers(h -> {
                h.setBearerAuth(patientToken());
                h.set("Idempotency-Key", UUID.randomUUID().toString());
            }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slotId)).exchange()
                    .expectStatus().isCreated();
        }

        Map<?, ?> shrink = hospital.slots(List.of(HospitalFixtures.slotItem(ext, seeded.doctorExternalId(), start,
                "Asia/Shanghai", 1, 2)));
        assertThat(shrink.get("rejected")).isEqualTo(1);
        Integer booked = db.sql("select booked from app.slots where external_id = :ext").bind("ext", ext)
                .map(r -> r.get("booked", Integer.class)).one().block();
        assertThat(booked).isEqualTo(2);
    }

    @Test
    void slotsAreListedByLocalDateInTheirOwnZoneAcrossDaylightSavingTime() {
        HospitalFixtures.Seeded berlin = hospital.departmentAndDoctor("Europe/Berlin", 365);
        LocalDate dstDay = nextDstStart();
        hospital.slots(List.of(
                HospitalFixtures.slotItem("s-" + UUID.randomUUID(), berlin.doctorExternalId(), dstDay.atTime(1, 0),
                        "Europe/Berlin", 1, 1),
                HospitalFixtures.slotItem("s-" + UUID.randomUUID(), berlin.doctorExternalId(), dstDay.atTime(9, 0),
                        "Europe/Berlin", 1, 1),
                HospitalFixtures.slotItem("s-" + UUID.randomUUID(), berlin.doctorExternalId(), dstDay.plusDays(1).atTime(0, 30),
                        "Europe/Berlin", 1, 1)));

        http.get().uri("/api/v1/slots?doctorId=" + berlin.doctorId() + "&from=" + dstDay + "&to=" + dstDay)
                .headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].start").isEqualTo(dstDay + "T01:00:00+01:00")
                .jsonPath("$[1].start").isEqualTo(dstDay + "T09:00:00+02:00")
                .jsonPath("$[1].localDate").isEqualTo(dstDay.toString());
    }

    /** The next last Sunday of March (Europe/Berlin springs forward at 02:00), at least a day away. */
    static LocalDate nextDstStart() {
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Berlin"));
        for (int year = today.getYear(); ; year++) {
            LocalDate day = LocalDate.of(year, 3, 31);
            while (day.getDayOfWeek() != java.time.DayOfWeek.SUNDAY) {
                day = day.minusDays(1);
            }
            if (day.isAfter(today.plusDays(1))) {
                return day;
            }
        }
    }
}
