package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The slot search's JSON is rendered by PostgreSQL ({@link SlotStore#search}); it must be exactly what the API's
 * Jackson writes for the same slots: offsets on both sides of a DST change, a negative offset, offset zero ("Z"),
 * seconds and fractions of a second, and text that JSON must escape.
 */
class SlotSearchJsonTests extends IntegrationTest {

    @Autowired
    JsonMapper json;

    @Test
    void theDatabasesJsonIsWhatJacksonWritesForTheSameSlots() {
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        String token = patientToken();
        LocalDate springForward = LocalDate.of(2027, 3, 28);
        // Berlin moves from +01:00 to +02:00 at 02:00 on 28 March 2027; London is at offset zero until then.
        Map<String, List<LocalDateTime>> starts = Map.of(
                "Europe/Berlin", List.of(springForward.atTime(0, 30), springForward.atTime(3, 0),
                        springForward.plusDays(1).atTime(LocalTime.of(9, 15, 30, 250_000_000))),
                "Europe/London", List.of(springForward.atTime(0, 30), springForward.plusDays(1).atTime(9, 0)),
                "America/New_York", List.of(springForward.atTime(8, 0, 1)),
                "Asia/Shanghai", List.of(springForward.atTime(LocalTime.of(9, 0, 0, 123_456_000))));
        for (Map.Entry<String, List<LocalDateTime>> zone : starts.entrySet()) {
            HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor(zone.getKey(), 200);
            List<Map<String, Object>> items = new ArrayList<>();
            for (LocalDateTime start : zone.getValue()) {
                Map<String, Object> item = HospitalFixtures.slotItem("slot-" + UUID.randomUUID(), seeded.doctorExternalId(),
                        start, zone.getKey(), 4, 1);
                item.put("visitType", "复诊 \"follow-up\" \\ 2/2");
                items.add(item);
            }
            hospital.slots(items);

            String body = new String(http.get().uri("/api/v1/slots?doctorId=" + seeded.doctorId() + "&from="
                            + springForward.minusDays(1) + "&to=" + springForward.plusDays(2))
                    .headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);

            assertThat(body).isEqualTo(json.writeValueAsString(expected(seeded.doctorId())));
            assertThat(json.readTree(body).size()).isEqualTo(zone.getValue().size());
        }
    }

    @Test
    void noSlotsIsAnEmptyArray() {
        HospitalFixtures.Seeded seeded = new HospitalFixtures(http, clientToken()).departmentAndDoctor("Asia/Shanghai", 14);
        http.get().uri("/api/v1/slots?doctorId=" + seeded.doctorId()).headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("[]");
    }

    /** The slots as the service wrote them before the database rendered them: rows to records, through Jackson. */
    private List<BookingDtos.Slot> expected(UUID doctorId) {
        return db.sql("select s.id, s.doctor_id, d.department_id, s.starts_at, s.ends_at, s.time_zone, s.local_date, "
                        + "s.capacity, s.booked, s.visit_type, s.fee_cents from app.slots s join app.doctors d on d.id = s.doctor_id "
                        + "where s.doctor_id = :doctor order by s.starts_at, s.id")
                .bind("doctor", doctorId)
                .map(row -> {
                    ZoneId zone = ZoneId.of(row.get("time_zone", String.class));
                    int capacity = row.get("capacity", Integer.class);
                    return new BookingDtos.Slot(row.get("id", UUID.class), row.get("doctor_id", UUID.class),
                            row.get("department_id", UUID.class), SlotStore.local(row.get("starts_at", OffsetDateTime.class), zone),
                            SlotStore.local(row.get("ends_at", OffsetDateTime.class), zone), zone.getId(),
                            row.get("local_date", LocalDate.class), capacity, capacity - row.get("booked", Integer.class),
                            row.get("visit_type", String.class), row.get("fee_cents", Long.class));
                })
                .all().collectList().block();
    }
}
