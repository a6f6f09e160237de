package com.patientcrm.platform;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last line: errors raised outside any controller (web filters, codecs, the server itself) are answered as
 * problem+json too, ahead of Spring Boot's default error JSON. Never a stack trace or exception message.
 */
@Component
@Order(-2)
class FallbackProblemHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(FallbackProblemHandler.class);

    private final JsonMapper json;

    FallbackProblemHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted() || DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            // A client that hung up mid-request (while its body was being read, say) is nobody's error: Spring's web
            // handler logs it at DEBUG, where an ERROR with a stack trace per lost client would flood an overloaded log.
            return Mono.error(ex);
        }
        ProblemDetail problem;
        HttpHeaders extra = new HttpHeaders();
        if (ex instanceof ErrorResponse error) {
            problem = error.getBody();
            extra.addAll(error.getHeaders());
        } else if (ex instanceof AuthenticationServiceException) {
            // A token could not be checked (e.g. the hospital's OIDC issuer did not answer): not the caller's fault.
            log.warn("Token validation unavailable: {}", ex.getClass().getSimpleName());
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The token could not be checked right now; try again shortly.");
            problem.setTitle("Token validation unavailable");
        } else if (DatabaseUnavailable.isCause(ex)) {
            // A web filter (audit, consent gate, rate limit) needed the database and could not reach it.
            log.warn("Database unavailable on {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), DatabaseUnavailable.describe(ex));
            ErrorResponse unavailable = DatabaseUnavailable.problem();
            problem = unavailable.getBody();
            extra.addAll(unavailable.getHeaders());
        } else {
            log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
            problem = ProblemDetail.forStatus(500);
            problem.setTitle("Internal error");
        }
        int status = problem.getStatus();
        if (status >= 500 && status != 503) {
            problem.setDetail("Something went wrong on our side; the request was not completed.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType() == null || "about:blank".equals(problem.getType().toString())
                ? Problems.typeFor(status).toString() : problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", status);
        body.put("detail", problem.getDetail());
        body.put("instance", exchange.getRequest().getPath().value());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        response.setStatusCode(org.springframework.http.HttpStatusCode.valueOf(status));
        response.getHeaders().addAll(extra);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(json.writeValueAsBytes(body))));
    }
}
