package com.patientcrm.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Everything the auth module reads from configuration ({@code crm.auth.*}); defaults live in application.yaml. */
@Validated
@ConfigurationProperties("crm.auth")
public record AuthProperties(
        @NotBlank String issuer,
        @NotBlank String audience,
        @NotNull Duration accessTokenTtl,
        @NotNull Duration refreshTokenTtl,
        /** Verified access tokens kept in memory, so that a token's signature is checked once; 0: none kept. */
        @Min(0) int tokenCacheSize,
        /** A private RSA JWK (JSON, 2048 bits or more); blank: one is generated once and kept under {@code dataDir}. */
        String signingKey,
        /** 32 random bytes, base64; blank: generated once and kept under {@code dataDir}. */
        String cryptoKey,
        @NotBlank String dataDir,
        @Valid @NotNull WeChat wechat,
        @Valid @NotNull Otp otp,
        @Valid @NotNull RateLimits rateLimits,
        @Valid @NotNull StaffOidc staffOidc,
        @Valid @NotNull Bootstrap bootstrap) {

    public record WeChat(String appid, String secret, @NotBlank String apiBaseUrl) {
        public boolean configured() {
            return appid != null && !appid.isBlank() && secret != null && !secret.isBlank();
        }
    }

    /** One-time codes: lifetime, tries per code, digits, and the dev-only switch that logs the code itself. */
    public record Otp(@NotNull Duration ttl, @Min(1) int maxAttempts, @Min(4) int length,
                      @NotNull Duration resendInterval, boolean devLogCodes) {}

    public record Limit(@Min(1) int max, @NotNull Duration window) {}

    public record RateLimits(@Valid @NotNull Limit otpPerPhone, @Valid @NotNull Limit otpPerIp,
                             @Valid @NotNull Limit verifyPerIp, @Valid @NotNull Limit loginPerIp,
                             @Valid @NotNull Limit staffPerUsername, @Valid @NotNull Limit tokenPerClient) {}

    /** The hospital's OIDC issuer for staff; blank issuerUri: only our own staff tokens are accepted. */
    public record StaffOidc(String issuerUri, String audience, @NotBlank String rolesClaim) {
        public boolean configured() {
            return issuerUri != null && !issuerUri.isBlank();
        }
    }

    /** The first admin and the first hospital client; blank secrets are generated and written under dataDir. */
    public record Bootstrap(@NotBlank String adminUsername, String adminPassword,
                            @NotBlank String clientId, String clientSecret) {}
}
