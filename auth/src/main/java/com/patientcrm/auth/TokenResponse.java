package com.patientcrm.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The OAuth 2.0 token response shape (RFC 6749 section 5.1), used by every sign-in endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("scope") String scope) {

    /** Spring's codecs print bodies at DEBUG level: never the tokens. */
    @Override
    public String toString() {
        return "TokenResponse[redacted]";
    }

    static TokenResponse of(TokenIssuer.AccessToken access, String refreshToken) {
        return new TokenResponse(access.value(), "Bearer", access.expiresInSeconds(), refreshToken, null);
    }

    static TokenResponse withScope(TokenIssuer.AccessToken access, String scope) {
        return new TokenResponse(access.value(), "Bearer", access.expiresInSeconds(), null, scope);
    }
}
