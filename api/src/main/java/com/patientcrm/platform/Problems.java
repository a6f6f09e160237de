package com.patientcrm.platform;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Problem types (RFC 9457) of the api module's features. Each {@code type} is stable and listed in the contract. */
public final class Problems {

    public static final String TYPE_PREFIX = "urn:patientcrm:problem:";

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(TYPE_PREFIX + type));
        body.setTitle(title);
        return new ErrorResponseException(status, body, null);
    }

    /** "Not yours" answers exactly like "not found": same status, type and wording. */
    public static ErrorResponseException notFound(String what) {
        return of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No such " + what + ".");
    }

    public static ErrorResponseException conflict(String detail) {
        return of(HttpStatus.CONFLICT, "conflict", "Conflict", detail);
    }

    /** A 400 naming one invalid field, in the same shape as bean-validation errors. */
    public static ErrorResponseException invalidField(String field, String message) {
        ErrorResponseException e = of(HttpStatus.BAD_REQUEST, "validation", "Invalid request",
                "The request has invalid fields.");
        e.getBody().setProperty("errors", java.util.List.of(java.util.Map.of("field", field, "message", message)));
        return e;
    }

    /** The generic type for a status, used when a framework error carries none of its own. */
    static URI typeFor(int status) {
        String name = switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 422 -> "unprocessable";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "bad-request";
        };
        return URI.create(TYPE_PREFIX + name);
    }
}
