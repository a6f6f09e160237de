package com.patientcrm.feed;

import com.patientcrm.platform.Problems;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The article facade for editors: write (Markdown rendered and sanitised once, here), publish, unpublish (and
 * publish again), list. Every change bumps the version; an edit made on an older version is a 409.
 */
@Service
class Articles {

    static final String DRAFT = "DRAFT";
    static final String PUBLISHED = "PUBLISHED";
    static final String UNPUBLISHED = "UNPUBLISHED";

    private final ArticleStore store;
    private final Markdown markdown;

    Articles(ArticleStore store, Markdown markdown) {
        this.store = store;
        this.markdown = markdown;
    }

    Mono<ArticleDtos.Article> create(ArticleDtos.ArticleInput in, String by) {
        return check(in).then(Mono.fromCallable(() -> markdown.toSafeHtml(in.body())))
                .flatMap(html -> store.insert(UUID.randomUUID(), in, html, by));
    }

    /** {@code precondition}: the version came as {@code If-Match}, so a stale one is 412 rather than 409. */
    Mono<ArticleDtos.Article> edit(UUID id, ArticleDtos.ArticleInput in, String by, boolean precondition) {
        if (in.version() == null) {
            return Mono.error(Problems.invalidField("version", "give the version the edit was made on (or If-Match)"));
        }
        return check(in).then(Mono.fromCallable(() -> markdown.toSafeHtml(in.body())))
                .flatMap(html -> store.update(id, in, html, by))
                .switchIfEmpty(Mono.defer(() -> store.find(id)
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("article")))
                        .flatMap(current -> Mono.error(stale(current.version(), precondition)))));
    }

    Mono<ArticleDtos.Article> publish(UUID id, String by) {
        return move(id, List.of(DRAFT, UNPUBLISHED), PUBLISHED, by, "The article is published already.");
    }

    Mono<ArticleDtos.Article> unpublish(UUID id, String by) {
        return move(id, List.of(PUBLISHED), UNPUBLISHED, by, "Only a published article can be unpublished.");
    }

    Mono<ArticleDtos.Article> find(UUID id) {
        return store.find(id).switchIfEmpty(Mono.error(() -> Problems.notFound("article")));
    }

    Flux<ArticleDtos.Article> list(String status, String tag, Instant afterTime, UUID afterId, int limit) {
        return store.list(status, tag, afterTime, afterId, limit);
    }

    private Mono<ArticleDtos.Article> move(UUID id, List<String> from, String to, String by, String conflict) {
        return store.transition(id, from, to, by)
                .switchIfEmpty(Mono.defer(() -> store.find(id)
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("article")))
                        .flatMap(current -> Mono.error(Problems.of(HttpStatus.CONFLICT, "article-state",
                                "Not possible in this state", conflict)))));
    }

    private Mono<Void> check(ArticleDtos.ArticleInput in) {
        if (in.ageMin() != null && in.ageMax() != null && in.ageMin() > in.ageMax()) {
            return Mono.error(Problems.invalidField("ageMax", "must not be less than ageMin"));
        }
        if (in.coverUrl() != null && !isHttps(in.coverUrl())) {
            return Mono.error(Problems.invalidField("coverUrl", "must be an absolute https URL"));
        }
        return store.departmentsExist(in.departmentsOrNone()).flatMap(all -> all ? Mono.<Void>empty()
                : Mono.error(Problems.invalidField("departmentIds", "names a department that does not exist")));
    }

    private static boolean isHttps(String url) {
        try {
            URI uri = new URI(url);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isBlank();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static RuntimeException stale(int current, boolean precondition) {
        var problem = Problems.of(precondition ? HttpStatus.PRECONDITION_FAILED : HttpStatus.CONFLICT, "stale-version",
                "Edited meanwhile",
                "The article was changed after the version this edit was made on; reload it and edit again.");
        problem.getBody().setProperty("currentVersion", current);
        return problem;
    }
}
