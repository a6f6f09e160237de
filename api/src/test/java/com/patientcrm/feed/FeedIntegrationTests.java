package com.patientcrm.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;

/**
 * Health education end to end, the article and patient side: editors write, publish and unpublish articles (sanitised
 * HTML out, optimistic concurrency), each patient's feed ranks what fits them first and pages stably, reads are
 * tracked, and interests and reads take part in the data export and the erasure.
 */
class FeedIntegrationTests extends FeedTestSupport {

    @Test
    void editorsWriteSanitisedArticlesAndPublishThemWithOptimisticConcurrency() {
        Map<String, Object> input = article("Living well with diabetes", List.of("E11"));
        input.put("body", "# Eat well\n\n**Walk** daily. <script>alert(1)</script>\n\n[click](javascript:alert(1)) "
                + "<img src=\"https://cdn.example/x.png\" onerror=\"alert(2)\"> <a href=\"https://who.int\" onclick=\"x()\">WHO</a>");
        Map<?, ?> created = staff(editor).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(input).exchange().expectStatus().isCreated()
                .expectHeader().valueEquals("ETag", "\"1\"")
                .expectBody(Map.class).returnResult().getResponseBody();
        UUID id = UUID.fromString((String) created.get("id"));
        String html = (String) created.get("bodyHtml");
        assertThat(created.get("status")).isEqualTo("DRAFT");
        assertThat(html).contains("<h1>Eat well</h1>", "<strong>Walk</strong>", "https://who.int", "https://cdn.example/x.png")
                .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("javascript:")
                .doesNotContainIgnoringCase("onerror").doesNotContainIgnoringCase("onclick");
        assertThat(created.get("body")).isEqualTo(input.get("body"));

        // Patients see nothing of a draft.
        String patient = patientToken();
        http.get().uri("/api/v1/articles/{id}", id).headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isNotFound();

        // An edit names the version it was made on; a stale one is refused and changes nothing.
        input.put("title", "Living well with type 2 diabetes");
        input.put("version", 1);
        staff(editor).put().uri("/staff/v1/articles/{id}", id).contentType(MediaType.APPLICATION_JSON).bodyValue(input)
                .exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"2\"")
                .expectBody().jsonPath("$.version").isEqualTo(2).jsonPath("$.title").isEqualTo("Living well with type 2 diabetes");
        input.put("title", "Lost update");
        staff(editor).put().uri("/staff/v1/articles/{id}", id).contentType(MediaType.APPLICATION_JSON).bodyValue(input)
                .exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:stale-version")
                .jsonPath("$.currentVersion").isEqualTo(2);
        input.remove("version");
        staff(editor).put().uri("/staff/v1/articles/{id}", id).contentType(MediaType.APPLICATION_JSON).bodyValue(input)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("version");
        // The ETag works as If-Match too: a stale one is a failed precondition.
        staff(editor).put().uri("/staff/v1/articles/{id}", id).header("If-Match", "\"1\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(input)
                .exchange().expectStatus().isEqualTo(412)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:stale-version");
        staff(editor).put().uri("/staff/v1/articles/{id}", id).header("If-Match", "bogus")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(input)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("If-Match");
        input.put("title", "Living well with type 2 diabetes");
        staff(editor).put().uri("/staff/v1/articles/{id}", id).header("If-Match", "\"2\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(input)
                .exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"3\"");

        // Published, read by patients; unpublished, gone; published again.
        staff(editor).post().uri("/staff/v1/articles/{id}/publish", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("PUBLISHED").jsonPath("$.version").isEqualTo(4)
                .jsonPath("$.publishedAt").isNotEmpty();
        staff(editor).post().uri("/staff/v1/articles/{id}/publish", id).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:article-state");
        http.get().uri("/api/v1/articles/{id}", id).headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isOk().expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.title").isEqualTo("Living well with type 2 diabetes")
                .jsonPath("$.bodyHtml").isEqualTo(html).jsonPath("$.read").isEqualTo(false);
        staff(editor).post().uri("/staff/v1/articles/{id}/unpublish", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UNPUBLISHED");
        http.get().uri("/api/v1/articles/{id}", id).headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isNotFound();
        staff(editor).post().uri("/staff/v1/articles/{id}/unpublish", id).exchange().expectStatus().isEqualTo(409);
        staff(editor).post().uri("/staff/v1/articles/{id}/publish", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("PUBLISHED");

        // The staff list filters by status and tag and pages by cursor.
        UUID other = create(article("Second article", List.of()));
        Map<?, ?> first = staff(editor).get().uri("/staff/v1/articles?tag=nutrition&limit=1").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(ids(first)).containsExactly(other.toString());
        Map<?, ?> second = staff(editor).get().uri("/staff/v1/articles?tag=nutrition&limit=1&cursor={c}", first.get("nextCursor"))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(ids(second)).containsExactly(id.toString());
        staff(editor).get().uri("/staff/v1/articles?status=DRAFT&tag=nutrition").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.id == '" + other + "')]").exists()
                .jsonPath("$.items[?(@.id == '" + id + "')]").doesNotExist();
        staff(editor).get().uri("/staff/v1/articles?tag=E11&limit=100").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.id == '" + id + "')]").exists()
                .jsonPath("$.items[?(@.id == '" + other + "')]").doesNotExist();
        staff(editor).get().uri("/staff/v1/articles?cursor=nonsense").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        staff(editor).get().uri("/staff/v1/articles/{id}", UUID.randomUUID()).exchange().expectStatus().isNotFound();
    }

    @Test
    void invalidArticlesAndWritesByAnyoneButEditorsAreRefused() {
        Map<String, Object> insecure = article("Cover over http", List.of());
        insecure.put("coverUrl", "http://cdn.example/cover.png");
        staff(editor).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON).bodyValue(insecure)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("coverUrl");
        Map<String, Object> badRange = article("Bad range", List.of("not-a-code"));
        staff(editor).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON).bodyValue(badRange)
                .exchange().expectStatus().isBadRequest();
        Map<String, Object> ages = article("Ages", List.of());
        ages.put("ageMin", 50);
        ages.put("ageMax", 20);
        staff(editor).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON).bodyValue(ages)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("ageMax");

        Map<String, Object> ok = article("Fine", List.of());
        String agent = staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT");
        staff(agent).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON).bodyValue(ok)
                .exchange().expectStatus().isForbidden();
        staff(agent).get().uri("/staff/v1/articles").exchange().expectStatus().isForbidden();
        staff(agent).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", UUID.randomUUID(), "category", "health_education", "segment", Map.of()))
                .exchange().expectStatus().isForbidden();
        staff(patientToken()).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON).bodyValue(ok)
                .exchange().expectStatus().isForbidden();
        staff(editor).post().uri("/api/v1/articles/{id}/read", UUID.randomUUID()).exchange().expectStatus().isForbidden();
        // An admin may write too.
        staff(staffToken()).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON).bodyValue(ok)
                .exchange().expectStatus().isCreated();
    }

    @Test
    void aDiabeticAndAPregnantPatientEachSeeTheArticleThatFitsThemFirst() {
        String client = clientToken();
        LocalDate today = LocalDate.now(ZoneId.of(ZONE));
        String diabetic = patientToken();
        UUID diabeticId = profile(diabetic, "male", today.minusYears(61));
        carePlan(client, diabeticId, "E11.9", null);
        String pregnant = patientToken();
        UUID pregnantId = profile(pregnant, "female", today.minusYears(28));
        carePlan(client, pregnantId, "Z34.0", null);

        UUID diabetes = publish(article("Type 2 diabetes: your first months", List.of("E11")));
        Map<String, Object> pregnancyInput = article("Pregnancy: the first trimester", List.of("Z34", "O"));
        pregnancyInput.put("sex", "female");
        pregnancyInput.put("ageMin", 16);
        pregnancyInput.put("ageMax", 50);
        UUID pregnancy = publish(pregnancyInput);
        // The freshest article fits nobody in particular: matching beats freshness.
        UUID general = publish(article("Washing hands", List.of()));

        List<Map<?, ?>> diabeticFeed = items(feed(diabetic, null, 20));
        assertThat(diabeticFeed.get(0).get("id")).isEqualTo(diabetes.toString());
        assertThat(diabeticFeed.get(0).get("matchedOn")).isEqualTo(List.of("condition"));
        assertThat(idsOf(diabeticFeed)).containsExactly(diabetes.toString(), general.toString());

        List<Map<?, ?>> pregnantFeed = items(feed(pregnant, null, 20));
        assertThat(idsOf(pregnantFeed)).containsExactly(pregnancy.toString(), general.toString(), diabetes.toString());

        // Each read of the feed is audited; another family's patient is not found.
        Long audited = db.sql("select count(*) as n from app.audit_events where resource = 'article-feed' and patient_id = :p")
                .bind("p", diabeticId).map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
        assertThat(audited).isEqualTo(1L);
        http.get().uri("/api/v1/feed?patientId={p}", pregnantId).headers(h -> h.setBearerAuth(diabetic)).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-found");
    }

    @Test
    void aDiagnosisTheHospitalRecordedForACompletedVisitRanksItsArticlesFirst() {
        String client = clientToken();
        String token = patientToken();
        profile(token, "male", LocalDate.now(ZoneId.of(ZONE)).minusYears(55));
        com.patientcrm.surveys.SurveyFixtures visits = new com.patientcrm.surveys.SurveyFixtures(http, db, client);
        com.patientcrm.booking.HospitalFixtures.Seeded seeded = visits.hospital().departmentAndDoctor(ZONE, 14);
        UUID appointment = visits.book(seeded, token, null);
        com.patientcrm.support.VisitTime.arrive(db, appointment);
        UUID hypertension = publish(article("Living with high blood pressure", List.of("I10")));
        UUID general = publish(article("Sleep well", List.of()));
        assertThat(idsOf(items(feed(token, null, 20)))).containsExactly(general.toString(), hypertension.toString());

        // Only a completed visit has diagnoses; codes must be ICD-10.
        visitOutcome(client, appointment, Map.of("status", "CHECKED_IN", "diagnosisCodes", List.of("I10")))
                .expectStatus().isBadRequest();
        visitOutcome(client, appointment, Map.of("status", "COMPLETED", "diagnosisCodes", List.of("high bp")))
                .expectStatus().isBadRequest();
        visitOutcome(client, appointment, Map.of("status", "COMPLETED", "diagnosisCodes", List.of("I10", "E78.5")))
                .expectStatus().isOk();

        List<Map<?, ?>> feed = items(feed(token, null, 20));
        assertThat(idsOf(feed)).containsExactly(hypertension.toString(), general.toString());
        assertThat(feed.get(0).get("matchedOn")).isEqualTo(List.of("condition"));
        assertThat(db.sql("select array_to_string(diagnosis_codes, ',') as c from app.appointments where id = :id")
                .bind("id", appointment).map(row -> row.get("c", String.class)).one().block(Duration.ofSeconds(5)))
                .isEqualTo("I10,E78.5");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec visitOutcome(String client,
            UUID appointment, Map<String, Object> body) {
        return http.patch().uri("/integration/v1/appointments/{id}", appointment).headers(h -> h.setBearerAuth(client))
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void feedPagesNeverOverlapOrSkipEvenWhenArticlesArePublishedMeanwhile() {
        String token = patientToken();
        http.put().uri("/api/v1/me/interests").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tags", List.of("heart", "I10", "heart"))).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.tags").isEqualTo(List.of("I10", "heart"));
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<String, Object> input = article("Article " + i, i % 3 == 0 ? List.of("I10") : List.of());
            if (i % 4 == 1) {
                input.put("tags", List.of("heart"));
            }
            published.add(publish(input).toString());
        }

        Map<?, ?> page = feed(token, null, 3);
        List<String> seen = new ArrayList<>(idsOf(items(page)));
        // Interest matches (by tag or by condition prefix) come before the rest.
        assertThat(items(page)).allSatisfy(item -> assertThat(item.get("matchedOn")).isEqualTo(List.of("interest")));
        // Published after the first page: it would rank first, but this paging session does not see it.
        Map<String, Object> lateInput = article("Late news", List.of("I10"));
        lateInput.put("tags", List.of("heart"));
        String late = publish(lateInput).toString();
        while (page.get("nextCursor") != null) {
            page = feed(token, (String) page.get("nextCursor"), 3);
            seen.addAll(idsOf(items(page)));
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(published);
        assertThat(idsOf(items(feed(token, null, 3))).get(0)).isEqualTo(late);

        http.get().uri("/api/v1/feed?cursor=bm90LWEtY3Vyc29y").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        http.put().uri("/api/v1/me/interests").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tags", List.of("Not A Tag"))).exchange().expectStatus().isBadRequest();
    }

    @Test
    void readsAreTrackedOncePerPatientAndShowInTheFeed() {
        String token = patientToken();
        UUID article = publish(article("Sleep", List.of()));
        Map<?, ?> first = http.post().uri("/api/v1/articles/{id}/read", article).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        http.post().uri("/api/v1/articles/{id}/read", article).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.readAt").isEqualTo(first.get("readAt"));
        assertThat(items(feed(token, null, 20))).singleElement().satisfies(item -> assertThat(item.get("read")).isEqualTo(true));
        assertThat(items(feed(patientToken(), null, 20))).singleElement()
                .satisfies(item -> assertThat(item.get("read")).isEqualTo(false));
        UUID draft = create(article("Draft", List.of()));
        http.post().uri("/api/v1/articles/{id}/read", draft).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
        http.get().uri("/api/v1/me/interests").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.tags").isEmpty();
    }

    @Test
    void interestsAndReadsAreExportedAndErased() {
        String token = patientToken();
        UUID patient = self(token);
        http.put().uri("/api/v1/me/interests").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tags", List.of("nutrition"))).exchange().expectStatus().isOk();
        UUID article = publish(article("Exported", List.of()));
        http.post().uri("/api/v1/articles/{id}/read", article).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk();

        String id = (String) http.post().uri("/api/v1/me/data-export").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "READY".equals(http.get().uri("/api/v1/me/data-export/{id}", id).headers(h -> h.setBearerAuth(token))
                        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                        .get("status")));
        Map<?, ?> export = http.get().uri("/api/v1/me/data-export/{id}/download", id).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<?>) export.get("interests")).singleElement()
                .satisfies(row -> assertThat(((Map<?, ?>) row).get("tag")).isEqualTo("nutrition"));
        assertThat((List<?>) export.get("articleReads")).singleElement()
                .satisfies(row -> assertThat(((Map<?, ?>) row).get("article_id")).isEqualTo(article.toString()));

        eraseNow(token);
        erasureRequest(token)
                .jsonPath("$.summary.interestsDeleted").isEqualTo(1)
                .jsonPath("$.summary.articleReadsDeleted").isEqualTo(1);
        assertThat(count("app.patient_interests", patient)).isZero();
        assertThat(count("app.article_reads", patient)).isZero();
    }
}
