package com.patientcrm.patients;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The patient's own profile and family members over HTTP, against PostgreSQL. */
class PatientsIntegrationTests extends IntegrationTest {

    static final String NATIONAL_ID = "11010519491231002X";
    static final String CHILD_ID = "110105201501010017";

    @Test
    void aPatientReadsAndUpdatesTheirProfile() {
        String token = patientToken();
        Map<String, Object> update = new HashMap<>();
        update.put("name", "Wang Fang");
        update.put("gender", "female");
        update.put("birthDate", "1949-12-31");
        update.put("nationalId", "11010519491231002x");
        update.put("address", "1 Chang'an Avenue, Beijing");
        update.put("emergencyContact", Map.of("name", "Wang Lei", "phone", "13900000000", "relationship", "son"));

        patch(token, "/api/v1/me", update).expectStatus().isOk()
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectBody()
                .jsonPath("$.name").isEqualTo("Wang Fang")
                .jsonPath("$.nationalId").isEqualTo(NATIONAL_ID)
                .jsonPath("$.emergencyContact.phone").isEqualTo("+8613900000000");

        patch(token, "/api/v1/me", Map.of("address", "")).expectStatus().isOk()
                .expectBody().jsonPath("$.address").isEmpty().jsonPath("$.name").isEqualTo("Wang Fang");
    }

    @Test
    void identifiersAreEncryptedAtRest() {
        String token = patientToken();
        patch(token, "/api/v1/me", Map.of("nationalId", NATIONAL_ID, "phone", "13712345678")).expectStatus().isOk();

        List<String> stored = db.sql("select encode(national_id_enc, 'escape') as id, encode(phone_enc, 'escape') as phone "
                        + "from app.patients where national_id_enc is not null")
                .map(r -> r.get("id", String.class) + "|" + r.get("phone", String.class)).all().collectList().block();
        assertThat(stored).isNotEmpty().noneMatch(s -> s.contains(NATIONAL_ID) || s.contains("13712345678"));
    }

    @Test
    void invalidFieldsAreValidationProblemsAndNothingChanges() {
        String token = patientToken();
        patch(token, "/api/v1/me", Map.of("name", "Before")).expectStatus().isOk();

        patch(token, "/api/v1/me", Map.of("name", "After", "nationalId", "110105194912310021"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:validation")
                .jsonPath("$.errors[0].field").isEqualTo("nationalId");
        patch(token, "/api/v1/me", Map.of("gender", "robot", "birthDate", "2999-01-01"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.length()").isEqualTo(2);
        patch(token, "/api/v1/me", Map.of("name", "After", "role", "ADMIN"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("role");

        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectBody().jsonPath("$.name").isEqualTo("Before");
    }

    @Test
    void familyMembersCanBeAddedReadChangedAndRemoved() {
        String token = patientToken();
        Map<?, ?> created = post(token, Map.of("relationship", "child", "name", "Xiao Hong", "gender", "female",
                "birthDate", "2015-01-01", "nationalId", CHILD_ID))
                .expectStatus().isCreated()
                .expectHeader().exists("Location")
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) created.get("id");
        assertThat(created.get("nationalId")).isEqualTo(CHILD_ID);

        http.get().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].relationship").isEqualTo("child");
        patch(token, "/api/v1/me/family-members/" + id, Map.of("name", "Xiao Hong Wang", "relationship", "grandchild"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("Xiao Hong Wang").jsonPath("$.relationship").isEqualTo("grandchild");

        http.delete().uri("/api/v1/me/family-members/" + id).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNoContent();
        http.get().uri("/api/v1/me/family-members/" + id).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void theSamePersonCannotBeAddedTwice() {
        String token = patientToken();
        post(token, Map.of("relationship", "child", "name", "A", "nationalId", CHILD_ID)).expectStatus().isCreated();
        post(token, Map.of("relationship", "child", "name", "B", "nationalId", CHILD_ID))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:duplicate-person");
    }

    @Test
    void anotherPatientsFamilyMemberAnswersExactlyLikeAMissingOne() {
        String owner = patientToken();
        String id = (String) post(owner, Map.of("relationship", "parent", "name", "Lao Zhang"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String stranger = patientToken();
        String missing = UUID.randomUUID().toString();

        for (String target : List.of(id, missing)) {
            byte[] body = http.get().uri("/api/v1/me/family-members/" + target).headers(h -> h.setBearerAuth(stranger))
                    .exchange().expectStatus().isNotFound()
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-found")
                    .jsonPath("$.detail").isEqualTo("No such family member.")
                    .returnResult().getResponseBody();
            assertThat(new String(body)).doesNotContain("Lao Zhang");
            patch(stranger, "/api/v1/me/family-members/" + target, Map.of("name", "Hijacked")).expectStatus().isNotFound();
            http.delete().uri("/api/v1/me/family-members/" + target).headers(h -> h.setBearerAuth(stranger))
                    .exchange().expectStatus().isNotFound();
        }

        http.get().uri("/api/v1/me/family-members/" + id).headers(h -> h.setBearerAuth(owner)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Lao Zhang");
    }

    @Test
    void aMalformedIdIsABadRequestNotAnError() {
        http.get().uri("/api/v1/me/family-members/not-a-uuid").headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void anAccountActsForAtMostTenFamilyMembers() {
        String token = patientToken();
        for (int i = 0; i < Patients.MAX_FAMILY_MEMBERS; i++) {
            post(token, Map.of("relationship", "other", "name", "Member " + i)).expectStatus().isCreated();
        }
        post(token, Map.of("relationship", "other", "name", "One too many")).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:family-limit");
    }

    private WebTestClient.ResponseSpec post(String token, Map<String, ?> body) {
        return http.post().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec patch(String token, String path, Map<String, ?> body) {
        return http.patch().uri(path).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
