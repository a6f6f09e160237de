package com.patientcrm.feed;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Articles, the feed, interests and campaigns over HTTP. */
final class ArticleDtos {

    /** An ICD-10 prefix: a chapter letter (O: pregnancy), a category (E11) or a subcategory (E11.9). */
    static final String CONDITION_PREFIX = "[A-Z]([0-9]{1,2}|[0-9]{2}\\.[0-9A-Z]{1,4})?";
    static final String TAG = "[a-z0-9][a-z0-9-]{0,39}";
    /** What a patient may be interested in, and what editors filter by: a topic tag or a condition prefix. */
    static final String INTEREST = TAG + "|" + CONDITION_PREFIX;

    private ArticleDtos() {}

    /** What an editor writes; {@code version} is the one the edit was made on (required to edit, unused to create). */
    record ArticleInput(@NotBlank @Size(max = 200) String title, @Size(max = 1000) String summary,
                        @NotNull @Size(max = 100_000) String body, @Size(max = 2000) String coverUrl,
                        @Size(max = 20) List<@NotNull @Pattern(regexp = TAG) String> tags,
                        @Size(max = 20) List<@NotNull @Pattern(regexp = CONDITION_PREFIX) String> conditionCodes,
                        @Size(max = 20) List<@NotNull UUID> departmentIds,
                        @Min(0) @Max(150) Integer ageMin, @Min(0) @Max(150) Integer ageMax,
                        @Pattern(regexp = "male|female") String sex, @Min(1) Integer version) {

        ArticleInput atVersion(int edited) {
            return new ArticleInput(title, summary, body, coverUrl, tags, conditionCodes, departmentIds, ageMin, ageMax,
                    sex, edited);
        }

        List<String> tagsOrNone() {
            return tags == null ? List.of() : tags.stream().distinct().toList();
        }

        List<String> conditionsOrNone() {
            return conditionCodes == null ? List.of() : conditionCodes.stream().distinct().toList();
        }

        List<UUID> departmentsOrNone() {
            return departmentIds == null ? List.of() : departmentIds.stream().distinct().toList();
        }
    }

    /** An article as staff see it: the Markdown as written and the HTML patients get. */
    record Article(UUID id, String title, String summary, String body, String bodyHtml, String coverUrl,
                   List<String> tags, List<String> conditionCodes, List<UUID> departmentIds, Integer ageMin,
                   Integer ageMax, String sex, String status, int version, OffsetDateTime publishedAt,
                   String createdBy, String updatedBy, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    record ArticlePage(List<Article> items, String nextCursor) {}

    /** A published article as a patient reads it. */
    record PatientArticle(UUID id, String title, String summary, String bodyHtml, String coverUrl, List<String> tags,
                          List<String> conditionCodes, OffsetDateTime publishedAt, boolean read) {}

    /** One feed entry; {@code matchedOn} says why it is there ({@code condition}, {@code department}, {@code interest}). */
    record FeedItem(UUID id, String title, String summary, String coverUrl, List<String> tags,
                    OffsetDateTime publishedAt, List<String> matchedOn, boolean read) {}

    record FeedPage(UUID patientId, List<FeedItem> items, String nextCursor) {}

    record ReadReceipt(UUID articleId, UUID patientId, OffsetDateTime readAt) {}

    record Interests(@NotNull @Size(max = 50) List<@NotNull @Pattern(regexp = INTEREST) String> tags) {}

    record Segment(@Size(max = 20) List<@NotNull @Pattern(regexp = CONDITION_PREFIX) String> conditionPrefixes,
                   @Min(0) @Max(150) Integer ageMin, @Min(0) @Max(150) Integer ageMax,
                   @Pattern(regexp = "male|female|other|unknown") String sex, UUID departmentId,
                   OffsetDateTime lastVisitBefore, OffsetDateTime lastVisitAfter) {}

    record NewCampaign(@NotNull UUID articleId, @NotNull @Pattern(regexp = "health_education|marketing") String category,
                       @NotNull @Valid Segment segment) {}

    record CampaignCreated(UUID campaignId, UUID articleId, String category, long targeted, long skipped,
                           Map<String, Long> skippedByReason, OffsetDateTime createdAt) {}

    /** A campaign's results: messages still to go, sent (reached at least one channel), not sent at send time, read. */
    record CampaignReport(UUID campaignId, UUID articleId, String category, Segment segment, String createdBy,
                          OffsetDateTime createdAt, long targeted, long skipped, Map<String, Long> skippedByReason,
                          long pending, long sent, long notSent, long read) {}
}
