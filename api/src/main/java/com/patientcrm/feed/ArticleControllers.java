package com.patientcrm.feed;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import com.patientcrm.platform.Cursors;
import com.patientcrm.platform.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Articles for content editors ({@code CONTENT_EDITOR} or {@code ADMIN}, see the security rules). Every answer
 * carries the article's version as its ETag, the value the next edit must send as {@code version}.
 */
@RestController
class ArticleControllers {

    private final Articles articles;

    ArticleControllers(Articles articles) {
        this.articles = articles;
    }

    @PostMapping("/staff/v1/articles")
    Mono<ResponseEntity<ArticleDtos.Article>> create(@AuthenticationPrincipal Jwt jwt,
                                                     @Valid @RequestBody ArticleDtos.ArticleInput body) {
        return articles.create(body, jwt.getSubject()).map(article -> ResponseEntity
                .created(URI.create("/staff/v1/articles/" + article.id())).eTag(etag(article)).body(article));
    }

    @GetMapping("/staff/v1/articles")
    Mono<ArticleDtos.ArticlePage> list(@RequestParam(required = false) @Pattern(regexp = "DRAFT|PUBLISHED|UNPUBLISHED") String status,
                                       @RequestParam(required = false) @Pattern(regexp = ArticleDtos.INTEREST) String tag,
                                       @RequestParam(required = false) String cursor,
                                       @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
        Instant afterTime = null;
        UUID afterId = null;
        if (cursor != null) {
            String[] parts = Cursors.decode(cursor, 2);
            afterTime = Cursors.instant(parts[0]);
            afterId = Cursors.uuid(parts[1]);
        }
        return articles.list(status, tag, afterTime, afterId, limit + 1).collectList().map(list -> {
            boolean more = list.size() > limit;
            List<ArticleDtos.Article> page = more ? list.subList(0, limit) : list;
            ArticleDtos.Article last = page.isEmpty() ? null : page.get(page.size() - 1);
            return new ArticleDtos.ArticlePage(page, more ? Cursors.encode(
                    Cursors.micros(last.updatedAt().toInstant()), last.id().toString()) : null);
        });
    }

    @GetMapping("/staff/v1/articles/{id}")
    Mono<ResponseEntity<ArticleDtos.Article>> get(@PathVariable UUID id) {
        return articles.find(id).map(article -> ResponseEntity.ok().eTag(etag(article)).body(article));
    }

    /**
     * The version edited comes as {@code version} in the body or as {@code If-Match} (the ETag); a stale one is 409 with
     * the field, 412 with the header (RFC 9110's precondition).
     */
    @PutMapping("/staff/v1/articles/{id}")
    Mono<ResponseEntity<ArticleDtos.Article>> edit(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                   @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                   @Valid @RequestBody ArticleDtos.ArticleInput body) {
        Integer fromHeader = ifMatch == null ? null : version(ifMatch);
        if (fromHeader != null && body.version() != null && !fromHeader.equals(body.version())) {
            return Mono.error(Problems.invalidField("version", "differs from If-Match"));
        }
        ArticleDtos.ArticleInput edit = fromHeader == null ? body : body.atVersion(fromHeader);
        return articles.edit(id, edit, jwt.getSubject(), fromHeader != null)
                .map(article -> ResponseEntity.ok().eTag(etag(article)).body(article));
    }

    @PostMapping("/staff/v1/articles/{id}/publish")
    Mono<ResponseEntity<ArticleDtos.Article>> publish(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return articles.publish(id, jwt.getSubject()).map(article -> ResponseEntity.ok().eTag(etag(article)).body(article));
    }

    @PostMapping("/staff/v1/articles/{id}/unpublish")
    Mono<ResponseEntity<ArticleDtos.Article>> unpublish(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return articles.unpublish(id, jwt.getSubject()).map(article -> ResponseEntity.ok().eTag(etag(article)).body(article));
    }

    private static String etag(ArticleDtos.Article article) {
        return "\"" + article.version() + "\"";
    }

    /** The version in an ETag this API gave out ({@code "3"}, or weak {@code W/"3"}); a 400 for anything else. */
    private static Integer version(String ifMatch) {
        String tag = ifMatch.strip();
        tag = tag.startsWith("W/") ? tag.substring(2) : tag;
        try {
            if (tag.length() > 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                int version = Integer.parseInt(tag.substring(1, tag.length() - 1));
                if (version >= 1) {
                    return version;
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw Problems.invalidField("If-Match", "must be an ETag this API gave out, e.g. \"3\"");
    }
}
