package com.patientcrm.auth;

import java.util.Collection;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;

/**
 * Who made a request, as the audit trail records it: a patient account, a staff member, a hospital client, or
 * nobody we could authenticate. The id is the token's subject (an account id, a staff id or OIDC subject, a
 * client id), never a name or phone number.
 */
public record Actor(String kind, String id) {

    /** Exchange attribute under which the security chain leaves the authenticated actor for later filters. */
    public static final String ATTRIBUTE = Actor.class.getName();

    public static final Actor ANONYMOUS = new Actor("anonymous", null);

    public static Actor of(Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return ANONYMOUS;
        }
        Collection<? extends GrantedAuthority> authorities = authentication.getAuthorities();
        String subject = authentication.getPrincipal() instanceof org.springframework.security.oauth2.jwt.Jwt jwt
                ? jwt.getSubject() : authentication.getName();
        if (has(authorities, "ROLE_PATIENT")) {
            return new Actor("patient", subject);
        }
        if (has(authorities, "ROLE_STAFF")) {
            return new Actor("staff", subject);
        }
        if (has(authorities, "ROLE_CLIENT")) {
            return new Actor("client", subject);
        }
        return ANONYMOUS;
    }

    /** The actor of the request being served (inside the security chain). */
    public static Mono<Actor> current() {
        return ReactiveSecurityContextHolder.getContext().map(SecurityContext::getAuthentication).map(Actor::of)
                .defaultIfEmpty(ANONYMOUS);
    }

    private static boolean has(Collection<? extends GrantedAuthority> authorities, String name) {
        for (GrantedAuthority authority : authorities) {
            if (name.equals(authority.getAuthority())) {
                return true;
            }
        }
        return false;
    }
}
