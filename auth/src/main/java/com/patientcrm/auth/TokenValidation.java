package com.patientcrm.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which bearer tokens we accept: our own (RS256 only, known kid, our issuer and audience, a known kind), and,
 * when configured, staff tokens from the hospital's OIDC issuer. The token's {@code iss} picks the validator;
 * any other issuer is rejected before a signature is even looked at.
 */
final class TokenValidation {

    private static final Set<String> KINDS = Set.of("patient", "staff", "client");

    private TokenValidation() {
    }

    /**
     * A token already verified is answered from {@code verified} without being parsed; any other is parsed once for
     * its issuer and again by that issuer's decoder (once in the token's life, so not worth a decoder of our own).
     */
    static ReactiveAuthenticationManagerResolver<ServerWebExchange> resolver(AuthProperties properties, SigningKeys keys,
                                                                            VerifiedTokens verified) {
        Map<String, ReactiveAuthenticationManager> managers = new HashMap<>();
        managers.put(properties.issuer(), ours(properties, keys));
        if (properties.staffOidc().configured()) {
            managers.put(properties.staffOidc().issuerUri(), hospital(properties.staffOidc()));
        }
        JwtIssuerReactiveAuthenticationManagerResolver byIssuer =
                new JwtIssuerReactiveAuthenticationManagerResolver(issuer -> Mono.justOrEmpty(managers.get(issuer)));
        Predicate<Jwt> keyStillTrusted = jwt -> !properties.issuer().equals(jwt.getClaimAsString(JwtClaimNames.ISS))
                || keys.publicKeys().getKeyByKeyId(String.valueOf(jwt.getHeaders().get("kid"))) != null;
        return exchange -> byIssuer.resolve(exchange).map(manager -> verified.inFrontOf(manager, keyStillTrusted));
    }

    private static ReactiveAuthenticationManager ours(AuthProperties properties, SigningKeys keys) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
                .withJwkSource(jwt -> Flux.fromIterable(keys.publicKeys().getKeys())
                        .filter(key -> Objects.equals(key.getKeyID(), jwt.getHeader().getKeyID())))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(properties.issuer()),
                audience(properties.audience()),
                new JwtClaimValidator<String>(TokenIssuer.KIND, KINDS::contains)));
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(jwt -> Mono.just(ourAuthentication(jwt)));
        return manager;
    }

    private static AbstractAuthenticationToken ourAuthentication(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        switch (jwt.getClaimAsString(TokenIssuer.KIND)) {
            case "patient" -> authorities.add(new SimpleGrantedAuthority("ROLE_PATIENT"));
            case "staff" -> {
                authorities.add(new SimpleGrantedAuthority("ROLE_STAFF"));
                List<String> roles = jwt.getClaimAsStringList(TokenIssuer.ROLES);
                // Only staff roles: a stray "PATIENT" or "CLIENT" in a staff token must not open another path family.
                (roles == null ? List.<String>of() : roles).forEach(r -> StaffRole.parse(r)
                        .ifPresent(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name()))));
            }
            case "client" -> {
                authorities.add(new SimpleGrantedAuthority("ROLE_CLIENT"));
                String scope = jwt.getClaimAsString(TokenIssuer.SCOPE);
                for (String s : scope == null ? new String[0] : scope.split(" ")) {
                    if (!s.isBlank()) {
                        authorities.add(new SimpleGrantedAuthority("SCOPE_" + s));
                    }
                }
            }
            default -> { }
        }
        return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    }

    private static ReactiveAuthenticationManager hospital(AuthProperties.StaffOidc oidc) {
        warmUpIssuerDiscovery();
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withIssuerLocation(oidc.issuerUri()).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(JwtValidators.createDefaultWithIssuer(oidc.issuerUri()));
        if (oidc.audience() != null && !oidc.audience().isBlank()) {
            validators.add(audience(oidc.audience()));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(jwt -> Mono.just(hospitalAuthentication(jwt, oidc.rolesClaim())));
        return manager;
    }

    /**
     * The issuer's discovery runs lazily on the first hospital token, on an event-loop thread, and the helper class
     * it uses builds a RestTemplate in its static initialiser (which scans the class path for Jackson modules).
     * Initialising that class here, at start-up, keeps the class-path scan off the event loop.
     */
    private static void warmUpIssuerDiscovery() {
        try {
            Class.forName("org.springframework.security.oauth2.jwt.JwtDecoderProviderConfigurationUtils", true,
                    TokenValidation.class.getClassLoader());
        } catch (ClassNotFoundException moved) {
            // A later Spring Security without this helper: nothing to warm up.
        }
    }

    /** Only roles we know are honoured; a hospital token with none of them gets no staff access at all. */
    private static AbstractAuthenticationToken hospitalAuthentication(Jwt jwt, String rolesClaim) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (Object value : claimPath(jwt.getClaims(), rolesClaim)) {
            StaffRole.parse(String.valueOf(value)).ifPresent(r -> authorities.add(new SimpleGrantedAuthority("ROLE_" + r.name())));
        }
        if (!authorities.isEmpty()) {
            authorities.add(new SimpleGrantedAuthority("ROLE_STAFF"));
        }
        String name = jwt.getClaimAsString("preferred_username");
        return new JwtAuthenticationToken(jwt, authorities, name != null ? name : jwt.getSubject());
    }

    /** Reads a list at a dotted claim path, such as {@code roles} or {@code realm_access.roles}. */
    private static List<?> claimPath(Map<String, Object> claims, String path) {
        Object current = claims;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return List.of();
            }
            current = map.get(part);
        }
        if (current instanceof List<?> list) {
            return list;
        }
        return current instanceof String s ? List.of(s.split("[ ,]+")) : List.of();
    }

    private static OAuth2TokenValidator<Jwt> audience(String audience) {
        return new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience));
    }

}
