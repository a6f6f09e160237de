package com.patientcrm.auth;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The auth module's problem types (RFC 9457). Each {@code type} is stable and listed in the OpenAPI contract. */
public final class AuthProblems {

    public static final String TYPE_PREFIX = "urn:patientcrm:problem:";

    private AuthProblems() {
    }

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(TYPE_PREFIX + type));
        body.setTitle(title);
        return new ErrorResponseException(status, body, null);
    }

    public static ErrorResponseException rateLimited(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        ErrorResponseException e = of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                "Too many attempts; try again in " + seconds + " s.");
        e.getHeaders().set("Retry-After", Long.toString(seconds));
        return e;
    }

    static ErrorResponseException invalidCredentials() {
        return of(HttpStatus.UNAUTHORIZED, "invalid-credentials", "Invalid credentials",
                "The username or password is not correct.");
    }

    static ErrorResponseException invalidOtp(String detail) {
        return of(HttpStatus.UNAUTHORIZED, "otp-invalid", "Invalid or expired code", detail);
    }

    static ErrorResponseException otpAttemptsExceeded() {
        return of(HttpStatus.TOO_MANY_REQUESTS, "otp-attempts-exceeded", "Too many wrong codes",
                "This code can no longer be used; request a new one.");
    }

    static ErrorResponseException invalidPhone() {
        ErrorResponseException e = of(HttpStatus.BAD_REQUEST, "validation", "Invalid request",
                "The request has invalid fields.");
        e.getBody().setProperty("errors", java.util.List.of(java.util.Map.of(
                "field", "phone", "message", "must be a mobile number, e.g. 13800138000 or +8613800138000")));
        return e;
    }

    static ErrorResponseException invalidRefreshToken() {
        return of(HttpStatus.UNAUTHORIZED, "refresh-token-invalid", "Invalid refresh token",
                "The refresh token is unknown, expired or revoked; sign in again.");
    }

    static ErrorResponseException refreshTokenReused() {
        return of(HttpStatus.UNAUTHORIZED, "refresh-token-reused", "Refresh token reused",
                "This refresh token was already used; every session descending from it has been signed out.");
    }

    static ErrorResponseException weChatRejected(int errorCode) {
        return of(HttpStatus.UNAUTHORIZED, "wechat-login-failed", "WeChat rejected the code",
                "WeChat did not accept the code (error " + errorCode + "); ask the mini-program for a new one.");
    }

    static ErrorResponseException weChatUnavailable() {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "wechat-unavailable", "WeChat is not available",
                "WeChat login is not configured or WeChat did not answer; try again later.");
    }
}
