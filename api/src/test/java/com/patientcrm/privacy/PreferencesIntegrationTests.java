package com.patientcrm.privacy;

import com.patientcrm.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class PreferencesIntegrationTests extends IntegrationTest {

    private WebTestClient.ResponseSpec send(String method, String token, Object body) {
        return http.method(org.springframework.http.HttpMethod.valueOf(method)).uri("/api/v1/me/preferences")
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void defaultsAreFilledIn() {
        http.get().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody()
                .jsonPath("$.channels.marketing.wechat").isEqualTo(false)
                .jsonPath("$.channels.marketing.in_app").isEqualTo(false)
                .jsonPath("$.channels.appointment_reminder.wechat").isEqualTo(true)
                .jsonPath("$.channels.health_education.app_push").isEqualTo(true)
                .jsonPath("$.quietHours.enabled").isEqualTo(true)
                .jsonPath("$.quietHours.start").isEqualTo("22:00")
                .jsonPath("$.quietHours.end").isEqualTo("08:00")
                .jsonPath("$.quietHours.timeZone").isEqualTo("Asia/Shanghai")
                .jsonPath("$.language").isEqualTo("zh-CN")
                .jsonPath("$.preferredVisitTime").isEqualTo("any")
                .jsonPath("$.preferredDoctorIds.length()").isEqualTo(0)
                .jsonPath("$.criticalCategories[0]").isEqualTo("appointment_change")
                .jsonPath("$.updatedAt").doesNotExist();
    }

    @Test
    void patchChangesOnlyWhatIsGivenAndPutResetsTheRest() {
        String token = patientToken();
        send("PATCH", token, Map.of("channels", Map.of("marketing", Map.of("wechat", true)), "language", "en"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.channels.marketing.wechat").isEqualTo(true)
                .jsonPath("$.channels.marketing.app_push").isEqualTo(false)
                .jsonPath("$.language").isEqualTo("en")
                .jsonPath("$.updatedAt").isNotEmpty();
        send("PATCH", token, Map.of("channels", Map.of("survey", Map.of("in_app", false)),
                "quietHours", Map.of("enabled", true, "start", "23:30", "end", "07:00", "timeZone", "Europe/Berlin")))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.channels.marketing.wechat").isEqualTo(true)
                .jsonPath("$.channels.survey.in_app").isEqualTo(false)
                .jsonPath("$.quietHours.start").isEqualTo("23:30")
                .jsonPath("$.quietHours.timeZone").isEqualTo("Europe/Berlin")
                .jsonPath("$.language").isEqualTo("en");

        send("PUT", token, Map.of("preferredVisitTime", "morning"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.channels.marketing.wechat").isEqualTo(false)
                .jsonPath("$.channels.survey.in_app").isEqualTo(true)
                .jsonPath("$.quietHours.timeZone").isEqualTo("Asia/Shanghai")
                .jsonPath("$.language").isEqualTo("zh-CN")
                .jsonPath("$.preferredVisitTime").isEqualTo("morning");
    }

    @Test
    void criticalCategoriesCannotBeSwitchedOffAndNothingIsStored() {
        String token = patientToken();
        send("PATCH", token, Map.of("language", "en", "channels", Map.of("appointment_change", Map.of("wechat", false))))
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:critical-category")
                .jsonPath("$.field").isEqualTo("channels.appointment_change.wechat");
        http.get().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token)).exchange()
                .expectBody().jsonPath("$.language").isEqualTo("zh-CN");
        // Switching a critical category on is allowed: it is on anyway.
        send("PATCH", token, Map.of("channels", Map.of("appointment_change", Map.of("wechat", true))))
                .expectStatus().isOk();
    }

    @Test
    void unknownOrInvalidValuesAreRejectedByField() {
        String token = patientToken();
        send("PATCH", token, Map.of("channels", Map.of("lottery", Map.of("wechat", true))))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("channels.lottery");
        send("PATCH", token, Map.of("channels", Map.of("survey", Map.of("sms", true))))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("channels.survey.sms");
        send("PATCH", token, Map.of("language", "fr")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("language");
        send("PATCH", token, Map.of("quietHours", Map.of("enabled", true, "start", "22:00", "end", "08:00",
                "timeZone", "Mars/Olympus"))).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("quietHours.timeZone");
        send("PATCH", token, Map.of("quietHours", Map.of("enabled", true, "start", "25:00", "end", "08:00",
                "timeZone", "Asia/Shanghai"))).expectStatus().isBadRequest();
        send("PATCH", token, Map.of("preferredDoctorIds", List.of(UUID.randomUUID()))).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("preferredDoctorIds");
        send("PATCH", token, Map.of("preferredVisitTime", "midnight")).expectStatus().isBadRequest();
        http.get().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token)).exchange()
                .expectBody().jsonPath("$.updatedAt").doesNotExist();
    }

    @Test
    void preferredDoctorsMustExist() {
        com.patientcrm.booking.HospitalFixtures hospital = new com.patientcrm.booking.HospitalFixtures(http, clientToken());
        UUID doctor = hospital.departmentAndDoctor("Asia/Shanghai", 14).doctorId();
        send("PATCH", patientToken(), Map.of("preferredDoctorIds", List.of(doctor)))
                .expectStatus().isOk().expectBody().jsonPath("$.preferredDoctorIds[0]").isEqualTo(doctor.toString());
    }
}
