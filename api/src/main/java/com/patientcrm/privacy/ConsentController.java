package com.patientcrm.privacy;

import com.patientcrm.auth.ClientAddress;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Patients read the documents in force and record their decisions; admins maintain the documents. */
@RestController
class ConsentController {

    private static final int USER_AGENT_MAX = 512;

    private final ConsentCatalog catalog;
    private final ConsentLedger ledger;

    ConsentController(ConsentCatalog catalog, ConsentLedger ledger) {
        this.catalog = catalog;
        this.ledger = ledger;
    }

    @GetMapping("/api/v1/consent-documents")
    Mono<List<ConsentDtos.CurrentDocument>> current() {
        return catalog.current(Instant.now()).map(rows -> rows.stream().map(row -> new ConsentDtos.CurrentDocument(
                row.documentId(), row.kind(), row.title(), row.version(), row.text(), row.effectiveAt(), row.required()))
                .toList());
    }

    @GetMapping("/api/v1/me/consents")
    Mono<ResponseEntity<ConsentDtos.MyConsents>> mine(@AuthenticationPrincipal Jwt jwt) {
        return ledger.mine(account(jwt)).map(body -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body));
    }

    @PostMapping("/api/v1/me/consents")
    Mono<ResponseEntity<ConsentDtos.Record>> decide(@AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange,
                                                    @Valid @RequestBody ConsentDtos.Decision decision) {
        String agent = exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT);
        ConsentLedger.Origin origin = new ConsentLedger.Origin("app", ClientAddress.of(exchange),
                agent == null ? null : agent.substring(0, Math.min(agent.length(), USER_AGENT_MAX)));
        return ledger.decide(account(jwt), decision, origin)
                .map(record -> ResponseEntity.status(201).cacheControl(CacheControl.noStore()).body(record));
    }

    @GetMapping("/staff/v1/consent-documents")
    Mono<List<ConsentDtos.Document>> documents() {
        return catalog.documents();
    }

    @PostMapping("/staff/v1/consent-documents")
    Mono<ResponseEntity<ConsentDtos.Document>> create(@Valid @RequestBody ConsentDtos.NewDocument body) {
        return catalog.create(body).map(document -> ResponseEntity
                .created(URI.create("/staff/v1/consent-documents/" + document.id())).body(document));
    }

    @GetMapping("/staff/v1/consent-documents/{id}")
    Mono<ConsentDtos.Document> document(@PathVariable UUID id) {
        return catalog.document(id);
    }

    @PostMapping("/staff/v1/consent-documents/{id}/versions")
    Mono<ResponseEntity<ConsentDtos.Version>> addVersion(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                         @Valid @RequestBody ConsentDtos.NewVersion body) {
        return catalog.addVersion(id, body, jwt.getSubject()).map(version -> ResponseEntity.created(
                URI.create("/staff/v1/consent-documents/" + id)).body(version));
    }

    @PostMapping("/staff/v1/consent-documents/{id}/retire")
    Mono<ConsentDtos.Document> retire(@PathVariable UUID id) {
        return catalog.retire(id);
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }
}
