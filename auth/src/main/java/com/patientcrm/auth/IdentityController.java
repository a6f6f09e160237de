package com.patientcrm.auth;

import java.util.List;
import java.util.Map;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Public keys for our tokens, and "who am I" answers for staff and hospital systems, which integration engineers
 * and the staff console use to check a token before anything else.
 */
@RestController
class IdentityController {

    private final SigningKeys keys;

    IdentityController(SigningKeys keys) {
        this.keys = keys;
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = "application/json")
    Map<String, Object> jwks() {
        return keys.publicKeys().toJSONObject(true);
    }

    record StaffIdentity(String subject, String issuer, List<String> roles) {}

    @GetMapping("/staff/v1/me")
    Mono<StaffIdentity> staff(JwtAuthenticationToken authentication) {
        return Mono.just(new StaffIdentity(authentication.getName(),
                authentication.getToken().getIssuer() == null ? null : authentication.getToken().getIssuer().toString(),
                withPrefix(authentication, "ROLE_").stream().filter(r -> !r.equals("STAFF")).toList()));
    }

    record ClientIdentity(String clientId, List<String> scopes) {}

    @GetMapping("/integration/v1/client")
    Mono<ClientIdentity> client(JwtAuthenticationToken authentication) {
        return Mono.just(new ClientIdentity(authentication.getName(), withPrefix(authentication, "SCOPE_")));
    }

    private static List<String> withPrefix(JwtAuthenticationToken authentication, String prefix) {
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).sorted().toList();
    }
}
