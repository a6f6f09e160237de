package com.patientcrm.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/** Signs our access tokens. The {@code kind} claim says which of the three caller families a token belongs to. */
@Component
public class TokenIssuer {

    public static final String KIND = "kind";
    public static final String ROLES = "roles";
    public static final String SCOPE = "scope";

    private final JwtEncoder encoder;
    private final AuthProperties properties;
    private final String keyId;
    private final Clock clock;

    TokenIssuer(SigningKeys keys, AuthProperties properties, Clock clock) {
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(keys.signingKey())));
        this.properties = properties;
        this.keyId = keys.keyId();
        this.clock = clock;
    }

    public AccessToken patient(UUID accountId) {
        return issue(accountId.toString(), "patient", b -> { });
    }

    public AccessToken staff(UUID staffId, Set<String> roles) {
        return issue(staffId.toString(), "staff", b -> b.claim(ROLES, List.copyOf(roles)));
    }

    public AccessToken client(String clientId, Set<String> scopes) {
        return issue(clientId, "client", b -> b.claim(SCOPE, String.join(" ", scopes.stream().sorted().toList())));
    }

    private AccessToken issue(String subject, String kind, java.util.function.Consumer<JwtClaimsSet.Builder> extra) {
        Instant now = clock.instant();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(properties.issuer())
                .audience(List.of(properties.audience()))
                .subject(subject)
                .issuedAt(now)
                .notBefore(now)
                .expiresAt(now.plus(properties.accessTokenTtl()))
                .id(UUID.randomUUID().toString())
                .claim(KIND, kind);
        extra.accept(claims);
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(keyId).type("JWT").build();
        String value = encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
        return new AccessToken(value, properties.accessTokenTtl().toSeconds());
    }

    public record AccessToken(String value, long expiresInSeconds) {}
}
