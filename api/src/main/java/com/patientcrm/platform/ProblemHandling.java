package com.patientcrm.platform;

import io.r2dbc.spi.R2dbcException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.DecodingException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error a controller raises becomes application/problem+json with a stable {@code type}. Messages come
 * from us, never from a parser, the database or an exception's class: nothing internal reaches a client.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);
    /** character_not_in_repertoire (a NUL in text) and untranslatable_character. */
    private static final Set<String> UNSTORABLE_TEXT = Set.of("22021", "22P05");

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getFieldErrors().stream()
                .map(ProblemHandling::fieldError)
                .toList();
        return Mono.just(ResponseEntity.badRequest().body(validation("The request has invalid fields.", errors)));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        Throwable cause = ex.getCause() instanceof DecodingException d && d.getCause() != null ? d.getCause() : ex.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return Mono.just(ResponseEntity.badRequest().body(validation("The request has unknown fields.",
                    List.of(Map.of("field", unknown.getPropertyName(), "message", "is not a known property")))));
        }
        String field = cause instanceof tools.jackson.databind.exc.MismatchedInputException mismatch ? field(mismatch) : "";
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                ex.getMethodParameter() != null && ex.getMethodParameter().getParameterName() != null
                        && !(cause instanceof tools.jackson.core.JacksonException)
                        ? "The parameter '" + ex.getMethodParameter().getParameterName() + "' is missing or malformed."
                        : !field.isEmpty() ? "The request body's '" + field + "' is not of the expected type or form."
                        : "The request body is missing or is not valid JSON of the expected shape.");
        body.setType(URI.create(Problems.TYPE_PREFIX + "malformed-request"));
        body.setTitle("Malformed request");
        return Mono.just(ResponseEntity.badRequest().body(body));
    }

    /**
     * Where in the body a value had the wrong type or form, as {@code slots[0].start} (names from our own types, never
     * the value sent); empty when Jackson did not say.
     */
    private static String field(tools.jackson.databind.exc.MismatchedInputException mismatch) {
        StringBuilder path = new StringBuilder();
        for (tools.jackson.core.JacksonException.Reference step : mismatch.getPath()) {
            if (step.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleMissingRequestValueException(MissingRequestValueException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        return Mono.just(ResponseEntity.badRequest().body(validation("A required " + ex.getLabel() + " is missing.",
                List.of(Map.of("field", ex.getName(), "message", "is required")))));
    }

    /** Constraint violations on headers, query and path parameters, named as the client sent them. */
    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> result instanceof ParameterErrors body
                        ? body.getFieldErrors().stream().map(ProblemHandling::fieldError)
                        : result.getResolvableErrors().stream().map(error -> Map.of(
                                "field", clientName(result.getMethodParameter()),
                                "message", error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage())))
                .toList();
        return Mono.just(ResponseEntity.badRequest().body(validation("The request has invalid values.", errors)));
    }

    private static String clientName(MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.value().isEmpty()) {
            return header.value();
        }
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null && !param.value().isEmpty()) {
            return param.value();
        }
        return String.valueOf(parameter.getParameterName());
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    Mono<ResponseEntity<Object>> conflict(DataIntegrityViolationException ex, ServerWebExchange exchange) {
        log.warn("Integrity conflict on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath());
        return handleErrorResponseException(Problems.conflict("The change conflicts with data already stored."),
                new HttpHeaders(), HttpStatus.CONFLICT, exchange);
    }

    /**
     * The last line behind {@link StorableText}: text PostgreSQL cannot store (a NUL character: SQLSTATE 22021,
     * 22P05) that came in some other way, such as a header or a form field, is the caller's error, not ours.
     */
    @ExceptionHandler(InvalidDataAccessResourceUsageException.class)
    Mono<ResponseEntity<Object>> unstorableText(InvalidDataAccessResourceUsageException ex, ServerWebExchange exchange) {
        if (!(ex.getCause() instanceof R2dbcException cause && UNSTORABLE_TEXT.contains(cause.getSqlState()))) {
            return unexpected(ex, exchange);
        }
        log.warn("Text the database cannot store on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath());
        return handleErrorResponseException(Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
                "The request holds characters that are not allowed."), new HttpHeaders(), HttpStatus.BAD_REQUEST, exchange);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> unexpected(Exception ex, ServerWebExchange exchange) {
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            // The client went away (it gave up waiting, or lost its network) before the answer was written: there is
            // nobody to answer and nothing went wrong here. Passed on, Spring's web handler logs it at DEBUG; an ERROR
            // with a stack trace per lost client buried real errors and cost CPU just when the service was busiest.
            return Mono.error(ex);
        }
        if (DatabaseUnavailable.isCause(ex)) {
            log.warn("Database unavailable on {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), DatabaseUnavailable.describe(ex));
            ErrorResponseException unavailable = DatabaseUnavailable.problem();
            return handleErrorResponseException(unavailable, unavailable.getHeaders(), HttpStatus.SERVICE_UNAVAILABLE,
                    exchange);
        }
        log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Something went wrong on our side; the request was not completed.");
        body.setTitle("Internal error");
        return createResponseEntity(body, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, exchange);
    }

    /** Framework errors arrive with type about:blank; give them ours, and an instance. */
    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers,
            HttpStatusCode status, ServerWebExchange exchange) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
                problem.setType(Problems.typeFor(status.value()));
            }
            if (problem.getInstance() == null) {
                problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
            }
            if (status.value() >= 500 && status.value() != 503) {
                problem.setDetail("Something went wrong on our side; the request was not completed.");
            }
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }

    private static ProblemDetail validation(String detail, List<Map<String, String>> errors) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        body.setType(URI.create(Problems.TYPE_PREFIX + "validation"));
        body.setTitle("Invalid request");
        body.setProperty("errors", errors);
        return body;
    }

    private static Map<String, String> fieldError(FieldError error) {
        return Map.of("field", error.getField(),
                "message", error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage());
    }
}
