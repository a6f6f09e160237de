package com.patientcrm.privacy;

import com.patientcrm.auth.Actor;
import com.patientcrm.platform.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Audits every refused request on the protected path families, whoever refused it: the security chain (401, 403),
 * the consent gate (403), or a lookup that found nothing the caller may see (404, which is also how "not yours"
 * answers). It sits outside the security chain so that it sees the chain's own refusals; the chain leaves the
 * authenticated actor on the exchange. The row is written before the answer is committed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class AuditDenials implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditDenials.class);
    /** WeChat's push is public, but its signature is its authentication: a forged push is a refusal like a 401 here. */
    private static final String[] AUDITED = {"/api/v1/", "/staff/v1/", "/integration/v1/", "/fhir/r4/", "/wechat/v1/"};

    private final AuditLog audit;

    AuditDenials(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (audited(path)) {
            exchange.getResponse().beforeCommit(() -> record(exchange, path));
        }
        return chain.filter(exchange);
    }

    private Mono<Void> record(ServerWebExchange exchange, String path) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        if (status == null) {
            return Mono.empty();
        }
        Actor actor = exchange.getAttributeOrDefault(Actor.ATTRIBUTE, Actor.ANONYMOUS);
        String outcome;
        if (status.value() == 401 || status.value() == 403) {
            outcome = "denied";
        } else if (status.value() == 404 && actor != Actor.ANONYMOUS) {
            outcome = "not_found";
        } else {
            return Mono.empty();
        }
        return audit.refused(actor, RequestIds.of(exchange), path, exchange.getRequest().getMethod().name(), outcome)
                .onErrorResume(e -> {
                    log.error("Could not audit a refused request ({})", e.getClass().getSimpleName());
                    return Mono.empty();
                });
    }

    private static boolean audited(String path) {
        if (path.startsWith("/api/v1/auth/") || path.equals("/fhir/r4/metadata")) {
            return false;
        }
        if (path.equals("/fhir/r4")) {
            return true;
        }
        for (String prefix : AUDITED) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
