package com.patientcrm.feed;

import com.patientcrm.privacy.AuditLog;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The patient's feed, articles, read tracking and interests. The feed and the interests are derived from health data
 * (conditions, visits) or are health data themselves, so each read of them is audited.
 */
@RestController
class FeedController {

    private final Feed feed;
    private final AuditLog audit;

    FeedController(Feed feed, AuditLog audit) {
        this.feed = feed;
        this.audit = audit;
    }

    @GetMapping("/api/v1/feed")
    Mono<ResponseEntity<ArticleDtos.FeedPage>> feed(@AuthenticationPrincipal Jwt jwt,
                                                    @RequestParam(required = false) @Size(max = 300) String cursor,
                                                    @RequestParam(defaultValue = "20") @Min(1) @Max(50) int limit,
                                                    @RequestParam(required = false) UUID patientId) {
        return feed.patient(account(jwt), patientId)
                .flatMap(patient -> feed.page(patient, cursor, limit)
                        .flatMap(page -> audit.read("article-feed", patient, null).thenReturn(page)))
                .map(FeedController::noStore);
    }

    @GetMapping("/api/v1/articles/{id}")
    Mono<ResponseEntity<ArticleDtos.PatientArticle>> article(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                            @RequestParam(required = false) UUID patientId) {
        return feed.patient(account(jwt), patientId).flatMap(patient -> feed.article(id, patient))
                .map(FeedController::noStore);
    }

    @PostMapping("/api/v1/articles/{id}/read")
    Mono<ArticleDtos.ReadReceipt> read(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                       @RequestParam(required = false) UUID patientId) {
        return feed.patient(account(jwt), patientId).flatMap(patient -> feed.markRead(id, patient));
    }

    @GetMapping("/api/v1/me/interests")
    Mono<ResponseEntity<ArticleDtos.Interests>> interests(@AuthenticationPrincipal Jwt jwt) {
        return feed.patient(account(jwt), null)
                .flatMap(patient -> feed.interests(patient).flatMap(i -> audit.read("interests", patient, null).thenReturn(i)))
                .map(FeedController::noStore);
    }

    @PutMapping("/api/v1/me/interests")
    Mono<ResponseEntity<ArticleDtos.Interests>> replaceInterests(@AuthenticationPrincipal Jwt jwt,
                                                                 @Valid @RequestBody ArticleDtos.Interests body) {
        return feed.patient(account(jwt), null).flatMap(patient -> feed.replaceInterests(patient, body.tags()))
                .map(FeedController::noStore);
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }

    private static <T> ResponseEntity<T> noStore(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }
}
