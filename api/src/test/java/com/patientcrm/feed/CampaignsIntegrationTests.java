package com.patientcrm.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.notifications.OutboxMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Campaigns end to end: a segment computed from care plans, visits and profiles; only patients whose consent and
 * preferences allow the category are targeted; the dispatcher sends, and the results (sent, read) are reported back.
 */
class CampaignsIntegrationTests extends FeedTestSupport {

    @Test
    void aCampaignReachesOnlyPatientsWhoAllowItAndReportsWhatWasSentAndRead() {
        String client = clientToken();
        HospitalFixtures.Seeded department = new HospitalFixtures(http, client).departmentAndDoctor(ZONE, 14);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String token = patientToken();
            tokens.add(token);
            carePlan(client, self(token), "E11", department.departmentExternalId());
        }
        // One of them does not want health education on any channel.
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(tokens.get(2)))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("channels", Map.of("health_education", Map.of("wechat", false, "app_push", false,
                        "in_app", false)))).exchange().expectStatus().isOk();
        UUID article = publish(article("Checking your feet", List.of("E11")));
        UUID draft = create(article("Not yet", List.of()));

        Map<String, Object> segment = new HashMap<>();
        segment.put("conditionPrefixes", List.of("E11"));
        segment.put("departmentId", department.departmentId());
        segment.put("ageMin", null);
        Map<?, ?> created = staff(editor).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", article, "category", "health_education", "segment", segment))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(created.get("targeted")).isEqualTo(2);
        assertThat(created.get("skipped")).isEqualTo(1);
        assertThat(created.get("skippedByReason")).isEqualTo(Map.of("opted-out", 1));
        String campaign = (String) created.get("campaignId");

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> report(campaign).get("sent").equals(2));
        Map<String, Object> report = new HashMap<>();
        report(campaign).forEach((k, v) -> report.put((String) k, v));
        assertThat(report).containsEntry("targeted", 2).containsEntry("skipped", 1).containsEntry("pending", 0)
                .containsEntry("notSent", 0).containsEntry("read", 0);
        assertThat(titles(tokens.get(0))).contains("健康资讯");
        assertThat(titles(tokens.get(2))).doesNotContain("健康资讯");

        http.post().uri("/api/v1/articles/{id}/read", article).headers(h -> h.setBearerAuth(tokens.get(0))).exchange()
                .expectStatus().isOk();
        http.post().uri("/api/v1/articles/{id}/read", article).headers(h -> h.setBearerAuth(tokens.get(2))).exchange()
                .expectStatus().isOk();
        assertThat(report(campaign).get("read")).isEqualTo(1);

        staff(editor).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", draft, "category", "marketing", "segment", segment))
                .exchange().expectStatus().isEqualTo(409);
        staff(editor).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", UUID.randomUUID(), "category", "health_education", "segment", segment))
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.field").isEqualTo("articleId");
        staff(editor).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", article, "category", "lottery", "segment", segment))
                .exchange().expectStatus().isBadRequest();
        staff(editor).get().uri("/staff/v1/campaigns/{id}", UUID.randomUUID()).exchange().expectStatus().isNotFound();
    }

    @Test
    void segmentsFilterByAgeSexAndLastVisitAndAFamilyMemberHasAFeedOfTheirOwn() {
        String client = clientToken();
        HospitalFixtures.Seeded department = new HospitalFixtures(http, client).departmentAndDoctor(ZONE, 14);
        LocalDate today = LocalDate.now(ZoneId.of(ZONE));
        String man = patientToken();
        carePlan(client, profile(man, "male", today.minusYears(60)), "E11", department.departmentExternalId());
        String woman = patientToken();
        carePlan(client, profile(woman, "female", today.minusYears(28)), "Z34", department.departmentExternalId());
        UUID article = publish(article("For young women", List.of()));

        assertThat(targeted(article, Map.of("departmentId", department.departmentId(), "sex", "female"))).isEqualTo(1);
        assertThat(targeted(article, Map.of("departmentId", department.departmentId(), "ageMin", 20, "ageMax", 28)))
                .isEqualTo(1);
        assertThat(targeted(article, Map.of("departmentId", department.departmentId(), "ageMin", 29))).isEqualTo(1);
        assertThat(targeted(article, Map.of("departmentId", department.departmentId()))).isEqualTo(2);
        // Neither has been seen yet: nobody has a last visit.
        assertThat(targeted(article, Map.of("departmentId", department.departmentId(),
                "lastVisitBefore", java.time.OffsetDateTime.now().toString()))).isEqualTo(0);
        staff(editor).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", article, "category", "health_education",
                        "segment", Map.of("ageMin", 40, "ageMax", 30)))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("segment.ageMax");

        // A family member's feed follows the member's own profile.
        Map<?, ?> member = http.post().uri("/api/v1/me/family-members").headers(h -> h.setBearerAuth(man))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("relationship", "child", "name", "Xiao Ming",
                        "gender", "female", "birthDate", today.minusYears(25).toString()))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> aimed = article("Only for women", List.of());
        aimed.put("sex", "female");
        UUID forWomen = publish(aimed);
        assertThat(ids(feed(man, null, 20))).doesNotContain(forWomen.toString());
        Map<?, ?> memberFeed = http.get().uri("/api/v1/feed?patientId={id}", member.get("id")).headers(h -> h.setBearerAuth(man))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(memberFeed.get("patientId")).isEqualTo(member.get("id"));
        assertThat(ids(memberFeed)).contains(forWomen.toString());
        http.post().uri("/api/v1/articles/{a}/read?patientId={p}", forWomen, member.get("id"))
                .headers(h -> h.setBearerAuth(woman)).exchange().expectStatus().isNotFound();
    }

    @Test
    void aPushOfAnArticleUnpublishedBeforeItIsSentIsSkipped() {
        String token = patientToken();
        UUID patient = self(token);
        UUID article = publish(article("Soon withdrawn", List.of()));
        UUID campaign = UUID.randomUUID();
        outbox.enqueue(new OutboxMessage(Campaigns.TOPIC, Campaigns.TOPIC + ":" + campaign + ":" + patient, patient,
                campaign, Map.of("campaignId", campaign.toString(), "articleId", article.toString(),
                        "category", "health_education"), Instant.now().plusSeconds(3600))).block(Duration.ofSeconds(5));
        staff(editor).post().uri("/staff/v1/articles/{id}/unpublish", article).exchange().expectStatus().isOk();
        db.sql("update notifications.outbox_queue set due_at = now() where id in (select id from notifications.outbox "
                        + "where subject_id = :c)").bind("c", campaign).then()
                .block(Duration.ofSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "skipped".equals(db.sql(
                        "select status from notifications.outbox where subject_id = :c").bind("c", campaign)
                .map(row -> row.get("status", String.class)).one().block(Duration.ofSeconds(5))));
        assertThat(titles(token)).doesNotContain("健康资讯");
    }
}
