package com.patientcrm.feed;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Channel;
import com.patientcrm.notifications.ContactDecision;
import com.patientcrm.notifications.ContactPolicy;
import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.platform.Problems;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pushes a published article to a segment. The segment is computed in SQL a batch at a time; each patient in it is
 * asked about now ({@link ContactPolicy}: consent and preferences for the campaign's category) and, if any channel may
 * carry the message, gets one outbox message (deduplicated per campaign and patient); the others are counted by
 * reason. The whole campaign commits at once or not at all. The contact check is made again when each message is
 * sent (a withdrawal in between wins), and the article is looked at again then too (see {@link ArticleNotices}).
 */
@Service
class Campaigns {

    static final String TOPIC = "campaign.article";

    private final CampaignStore store;
    private final ArticleStore articles;
    private final ContactPolicy policy;
    private final Outbox outbox;
    private final FeedProperties properties;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final ZoneId zone;

    Campaigns(CampaignStore store, ArticleStore articles, ContactPolicy policy, Outbox outbox, FeedProperties properties,
              TransactionalOperator tx, Clock clock, @Value("${crm.booking.default-time-zone}") String zone) {
        this.store = store;
        this.articles = articles;
        this.policy = policy;
        this.outbox = outbox;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
        this.zone = ZoneId.of(zone);
    }

    /** Counts as the batches go by; touched by one batch at a time. */
    private static final class Tally {
        long targeted;
        final Map<String, Long> skipped = new TreeMap<>();
    }

    Mono<ArticleDtos.CampaignCreated> start(ArticleDtos.NewCampaign body, String by) {
        ArticleDtos.Segment s = body.segment();
        if (s.ageMin() != null && s.ageMax() != null && s.ageMin() > s.ageMax()) {
            return Mono.error(Problems.invalidField("segment.ageMax", "must not be less than ageMin"));
        }
        if (s.lastVisitBefore() != null && s.lastVisitAfter() != null && !s.lastVisitAfter().isBefore(s.lastVisitBefore())) {
            return Mono.error(Problems.invalidField("segment.lastVisitAfter", "must be before lastVisitBefore"));
        }
        Category category = Category.parse(body.category()).orElseThrow();
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Tally tally = new Tally();
        return articles.find(body.articleId())
                .switchIfEmpty(Mono.error(() -> unknownArticle()))
                .flatMap(article -> Articles.PUBLISHED.equals(article.status()) ? Mono.just(article)
                        : Mono.error(Problems.of(HttpStatus.CONFLICT, "article-state", "Not possible in this state",
                                "Only a published article can be pushed.")))
                // The campaign row goes first: recipients and messages point at it.
                .flatMap(article -> store.insert(id, body, 0, Map.of(), by))
                .flatMap(createdAt -> batches(id, body, category, LocalDate.ofInstant(now, zone), now, tally)
                        .then(Mono.defer(() -> store.finish(id, tally.targeted, tally.skipped)))
                        .thenReturn(createdAt))
                .map(createdAt -> new ArticleDtos.CampaignCreated(id, body.articleId(), body.category(), tally.targeted,
                        tally.skipped.values().stream().mapToLong(Long::longValue).sum(), tally.skipped, createdAt))
                .as(tx::transactional);
    }

    private Mono<Void> batches(UUID id, ArticleDtos.NewCampaign body, Category category, LocalDate today, Instant now,
                               Tally tally) {
        int size = properties.campaignBatch();
        return store.segmentPage(body.segment(), today, null, size)
                .expand(page -> page.size() < size ? Mono.empty()
                        : store.segmentPage(body.segment(), today, page.get(page.size() - 1), size))
                .concatMap(page -> batch(id, body, category, page, now, tally))
                .then();
    }

    private Mono<Void> batch(UUID id, ArticleDtos.NewCampaign body, Category category, List<UUID> patients, Instant now,
                             Tally tally) {
        return Flux.fromIterable(patients)
                .concatMap(patient -> policy.mayContactOn(patient, category, now)
                        .map(decisions -> Map.entry(patient, refusal(decisions))))
                .collectList()
                .flatMap(decided -> {
                    List<UUID> allowed = new ArrayList<>();
                    for (Map.Entry<UUID, String> d : decided) {
                        if (d.getValue().isEmpty()) {
                            allowed.add(d.getKey());
                        } else {
                            tally.skipped.merge(d.getValue(), 1L, Long::sum);
                        }
                    }
                    tally.targeted += allowed.size();
                    if (allowed.isEmpty()) {
                        return Mono.empty();
                    }
                    List<OutboxMessage> messages = allowed.stream().map(patient -> new OutboxMessage(TOPIC,
                            TOPIC + ":" + id + ":" + patient, patient, id,
                            Map.of("campaignId", id.toString(), "articleId", body.articleId().toString(),
                                    "category", body.category()), now)).toList();
                    return store.addRecipients(id, allowed).then(outbox.enqueueAll(messages));
                });
    }

    /** Empty when some channel may carry the message (now or after quiet hours); else why none may. */
    private static String refusal(Map<Channel, ContactDecision> decisions) {
        if (decisions.values().stream().anyMatch(d -> d.verdict() != ContactDecision.Verdict.DENY)) {
            return "";
        }
        ContactDecision inApp = decisions.get(Channel.IN_APP);
        return inApp != null && inApp.reason() != null ? inApp.reason() : "no-channel";
    }

    Mono<ArticleDtos.CampaignReport> report(UUID id) {
        return store.report(id).switchIfEmpty(Mono.error(() -> Problems.notFound("campaign")))
                .flatMap(r -> outbox.tally(id, TOPIC).map(t -> new ArticleDtos.CampaignReport(r.campaignId(),
                        r.articleId(), r.category(), r.segment(), r.createdBy(), r.createdAt(), r.targeted(), r.skipped(),
                        r.skippedByReason(), t.pending(), t.sent(), t.notSent(), r.read())));
    }

    private static RuntimeException unknownArticle() {
        var problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-reference", "Unknown reference",
                "No article has this id.");
        problem.getBody().setProperty("field", "articleId");
        return problem;
    }
}
