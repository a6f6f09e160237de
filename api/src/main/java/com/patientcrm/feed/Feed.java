package com.patientcrm.feed;

import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Cursors;
import com.patientcrm.platform.Problems;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The patient's side: the ranked feed with its snapshot cursor, reading articles, read tracking and interests, for
 * the account's own patient record or a family member it acts for (anyone else is "not found").
 */
@Service
class Feed {

    private final FeedStore store;
    private final Patients patients;
    private final FeedProperties properties;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final ZoneId zone;

    Feed(FeedStore store, Patients patients, FeedProperties properties, TransactionalOperator tx, Clock clock,
         @Value("${crm.booking.default-time-zone}") String zone) {
        this.store = store;
        this.patients = patients;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
        this.zone = ZoneId.of(zone);
    }

    /** The patient the account asks about: itself when {@code patientId} is null, else one it acts for; 404 otherwise. */
    Mono<UUID> patient(UUID accountId, UUID patientId) {
        if (patientId == null) {
            return patients.selfId(accountId);
        }
        return patients.actsFor(accountId).any(patientId::equals)
                .flatMap(mine -> mine ? Mono.just(patientId) : Mono.error(Problems.notFound("patient")));
    }

    /**
     * One page. The first page fixes the snapshot time ({@code asOf}) that every later page reuses through the cursor:
     * articles published after it wait for a new first page, and freshness is measured at it, so pages never overlap
     * or skip an article while the patient's facts stay the same.
     */
    Mono<ArticleDtos.FeedPage> page(UUID patientId, String cursor, int limit) {
        FeedStore.After after = cursor == null ? null : after(cursor);
        Instant asOf = after != null ? after.asOf() : clock.instant().truncatedTo(ChronoUnit.MICROS);
        return store.facts(patientId).switchIfEmpty(Mono.error(() -> Problems.notFound("patient")))
                .flatMap(facts -> store.page(patientId, facts, age(facts.birthDate(), asOf), asOf,
                        properties.freshnessHalfLife().toSeconds(), after, limit + 1).collectList())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<FeedStore.Ranked> page = more ? rows.subList(0, limit) : rows;
                    String next = null;
                    if (more) {
                        FeedStore.Ranked last = page.get(page.size() - 1);
                        next = Cursors.encode(Cursors.micros(asOf), last.score().toPlainString(),
                                Cursors.micros(last.item().publishedAt().toInstant()), last.item().id().toString());
                    }
                    return new ArticleDtos.FeedPage(patientId, page.stream().map(FeedStore.Ranked::item).toList(), next);
                });
    }

    Mono<ArticleDtos.PatientArticle> article(UUID articleId, UUID patientId) {
        return store.published(articleId, patientId).switchIfEmpty(Mono.error(() -> Problems.notFound("article")));
    }

    Mono<ArticleDtos.ReadReceipt> markRead(UUID articleId, UUID patientId) {
        return store.markRead(articleId, patientId).switchIfEmpty(Mono.error(() -> Problems.notFound("article")));
    }

    Mono<ArticleDtos.Interests> interests(UUID patientId) {
        return store.interests(patientId).map(ArticleDtos.Interests::new);
    }

    Mono<ArticleDtos.Interests> replaceInterests(UUID patientId, List<String> tags) {
        List<String> distinct = tags.stream().distinct().sorted().toList();
        return store.replaceInterests(patientId, distinct).then(store.interests(patientId))
                .map(ArticleDtos.Interests::new).as(tx::transactional);
    }

    private Integer age(LocalDate birthDate, Instant at) {
        return birthDate == null ? null : Period.between(birthDate, LocalDate.ofInstant(at, zone)).getYears();
    }

    private static FeedStore.After after(String cursor) {
        String[] parts = Cursors.decode(cursor, 4);
        try {
            return new FeedStore.After(Cursors.instant(parts[0]), new BigDecimal(parts[1]), Cursors.instant(parts[2]),
                    UUID.fromString(parts[3]));
        } catch (IllegalArgumentException e) {
            throw Cursors.invalid();
        }
    }
}
