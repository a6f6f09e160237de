package com.patientcrm.privacy;

import com.patientcrm.auth.Actor;
import com.patientcrm.platform.Problems;
import java.util.List;
import java.util.UUID;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Holds every patient call until the account has accepted the version in force of every required document; the
 * 403 names what is missing. Left open: signing in, reading and deciding on the documents, and the patient's
 * data rights (access log, export, erasure), which PIPL Art. 15 and 16 say withdrawing consent must not hinder.
 * Runs after the security chain (it needs the account); with no required document defined it costs nothing.
 */
@Component
@Order(0)
class ConsentGate implements WebFilter {

    private static final List<String> OPEN = List.of("/api/v1/auth/", "/api/v1/consent-documents",
            "/api/v1/me/consents", "/api/v1/me/access-log", "/api/v1/me/data-export", "/api/v1/me/erasure-request");

    private final ConsentLedger ledger;

    ConsentGate(ConsentLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/api/v1/") || OPEN.stream().anyMatch(path::startsWith)) {
            return chain.filter(exchange);
        }
        return Actor.current().flatMap(actor -> {
            if (!"patient".equals(actor.kind()) || actor.id() == null) {
                return chain.filter(exchange);
            }
            return ledger.missingForAccount(UUID.fromString(actor.id())).flatMap(missing -> missing.isEmpty()
                    ? chain.filter(exchange)
                    : Mono.error(consentRequired(missing)));
        });
    }

    static RuntimeException consentRequired(List<ConsentDtos.Missing> missing) {
        var problem = Problems.of(HttpStatus.FORBIDDEN, "consent-required", "Consent required",
                "Accept the current version of every required document first (see /api/v1/consent-documents).");
        problem.getBody().setProperty("missing", missing);
        return problem;
    }
}
