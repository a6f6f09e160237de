package com.patientcrm.privacy;

import java.net.URI;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A patient asks to be erased, follows the request, and may cancel it while the grace period runs. */
@RestController
class ErasureController {

    private static final URI LOCATION = URI.create("/api/v1/me/erasure-request");

    private final Erasures erasures;

    ErasureController(Erasures erasures) {
        this.erasures = erasures;
    }

    @PostMapping("/api/v1/me/erasure-request")
    Mono<ResponseEntity<Erasures.Status>> request(@AuthenticationPrincipal Jwt jwt) {
        return erasures.request(account(jwt)).map(requested -> ResponseEntity
                .status(requested.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .location(LOCATION)
                .cacheControl(CacheControl.noStore())
                .body(requested.status()));
    }

    @GetMapping("/api/v1/me/erasure-request")
    Mono<ResponseEntity<Erasures.Status>> latest(@AuthenticationPrincipal Jwt jwt) {
        return erasures.latest(account(jwt))
                .map(status -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(status));
    }

    @DeleteMapping("/api/v1/me/erasure-request")
    Mono<ResponseEntity<Erasures.Status>> cancel(@AuthenticationPrincipal Jwt jwt) {
        return erasures.cancel(account(jwt))
                .map(status -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(status));
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }
}
