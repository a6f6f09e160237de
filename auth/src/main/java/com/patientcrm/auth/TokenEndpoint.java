package com.patientcrm.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * OAuth 2.0 client credentials grant (RFC 6749 section 4.4) for hospital systems, with client_secret_basic or
 * client_secret_post. Errors use the RFC 6749 section 5.2 JSON shape that OAuth client libraries expect.
 */
@RestController
class TokenEndpoint {

    private final Clients clients;
    private final TokenIssuer issuer;
    private final RateLimiter limiter;
    private final FieldCrypto crypto;
    private final AuthProperties properties;

    TokenEndpoint(Clients clients, TokenIssuer issuer, RateLimiter limiter, FieldCrypto crypto,
                  AuthProperties properties) {
        this.clients = clients;
        this.issuer = issuer;
        this.limiter = limiter;
        this.crypto = crypto;
        this.properties = properties;
    }

    record OAuthError(@JsonProperty("error") String error,
                      @JsonProperty("error_description") String description) {}

    private record Credentials(String clientId, String secret, boolean basic) {}

    @PostMapping(path = "/oauth2/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Object>> token(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return exchange.getFormData().onErrorResume(IllegalArgumentException.class, malformed -> Mono.empty())
                .flatMap(form -> {
            if (!"client_credentials".equals(form.getFirst("grant_type"))) {
                return error(HttpStatus.BAD_REQUEST, form.getFirst("grant_type") == null ? "invalid_request"
                        : "unsupported_grant_type", "grant_type must be client_credentials", false);
            }
            Credentials credentials = credentials(authorization, form);
            if (credentials == null) {
                return error(HttpStatus.UNAUTHORIZED, "invalid_client",
                        "Authenticate with either HTTP Basic or client_id and client_secret in the form", authorization != null);
            }
            // Per client only failed authentications count: a stranger cannot spend a hospital system's budget.
            String clientBucket = "token:client:" + crypto.hashText(credentials.clientId());
            AuthProperties.Limit clientLimit = properties.rateLimits().tokenPerClient();
            return limiter.hit("token:ip:" + crypto.hashText(ClientAddress.of(exchange)), properties.rateLimits().loginPerIp())
                    .then(limiter.ensureNotExhausted(clientBucket, clientLimit))
                    .then(clients.authenticate(credentials.clientId(), credentials.secret()))
                    .flatMap(client -> grant(client, form.getFirst("scope")))
                    .switchIfEmpty(Mono.defer(() -> limiter.hit(clientBucket, clientLimit)
                            .onErrorResume(org.springframework.web.ErrorResponseException.class, spent -> Mono.empty())
                            .then(error(HttpStatus.UNAUTHORIZED, "invalid_client",
                                    "Unknown client or wrong secret", credentials.basic()))));
        }).switchIfEmpty(Mono.defer(() -> error(HttpStatus.BAD_REQUEST, "invalid_request",
                "The form is not valid application/x-www-form-urlencoded", false)));
    }

    private Mono<ResponseEntity<Object>> grant(Clients.Client client, String requestedScope) {
        Set<String> scopes = requestedScope == null || requestedScope.isBlank() ? client.scopes()
                : new LinkedHashSet<>(Arrays.asList(requestedScope.trim().split("\\s+")));
        if (!client.scopes().containsAll(scopes)) {
            return error(HttpStatus.BAD_REQUEST, "invalid_scope", "The client may not request: "
                    + String.join(" ", scopes.stream().filter(s -> !client.scopes().contains(s)).sorted().toList()), false);
        }
        TokenIssuer.AccessToken access = issuer.client(client.clientId(), scopes);
        return Mono.just(noStore(ResponseEntity.ok())
                .body(TokenResponse.withScope(access, String.join(" ", scopes.stream().sorted().toList()))));
    }

    /** The client's credentials, or null when they are missing, malformed or not text at all (a NUL). */
    private static Credentials credentials(String authorization, MultiValueMap<String, String> form) {
        Credentials credentials = presented(authorization, form);
        return credentials == null || credentials.clientId().indexOf('\0') >= 0 ? null : credentials;
    }

    private static Credentials presented(String authorization, MultiValueMap<String, String> form) {
        boolean inForm = form.getFirst("client_secret") != null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (inForm) {
                return null;
            }
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    return null;
                }
                // RFC 6749 section 2.3.1: both parts are form-urlencoded before Base64.
                return new Credentials(urlDecode(decoded.substring(0, colon)), urlDecode(decoded.substring(colon + 1)), true);
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        String id = form.getFirst("client_id");
        return id != null && inForm ? new Credentials(id, form.getFirst("client_secret"), false) : null;
    }

    private static String urlDecode(String value) {
        return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static Mono<ResponseEntity<Object>> error(HttpStatus status, String code, String description, boolean basic) {
        ResponseEntity.BodyBuilder builder = noStore(ResponseEntity.status(status));
        if (basic && status == HttpStatus.UNAUTHORIZED) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"patientcrm\"");
        }
        return Mono.just(builder.contentType(MediaType.APPLICATION_JSON).body(new OAuthError(code, description)));
    }

    private static ResponseEntity.BodyBuilder noStore(ResponseEntity.BodyBuilder builder) {
        return builder.cacheControl(CacheControl.noStore()).header(HttpHeaders.PRAGMA, "no-cache");
    }
}
