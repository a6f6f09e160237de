package com.patientcrm.auth;

import java.util.function.Predicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import reactor.core.publisher.Mono;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.web.server.WebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Access rules for the three path families: patients on /api/v1, staff on /staff/v1, hospital systems on
 * /integration/v1 and /fhir/r4 with a scope per capability. Stateless: every request carries its bearer token,
 * except WeChat's message push, whose signature its handler checks. Anything not listed is denied.
 */
@Configuration
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
class SecurityConfiguration {

    static final String[] PUBLIC = {
        "/api/v1/auth/**", "/oauth2/token", "/.well-known/jwks.json",
        "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
        "/openapi.yaml", "/swagger-ui.html", "/swagger-ui/**", "/webjars/**", "/v3/api-docs/swagger-config",
        // FHIR clients read the CapabilityStatement before they authenticate (it says nothing about patients).
        "/fhir/r4/metadata",
        // WeChat's message push: WeChat signs the query with the push Token instead of sending a bearer token.
        "/wechat/v1/messages",
        // The staff console's static page, script and style hold no data; everything it shows comes from /staff/v1
        // with the staff's token. Only these file kinds directly under /staff/, never /staff/v1.
        "/staff", "/staff/", "/staff/*.html", "/staff/*.js", "/staff/*.css", "/staff/*.svg",
    };

    /**
     * No observation of each security filter, authentication and authorization: nobody reads those timers, and the
     * decorator that makes them wraps every filter of every request in an observation of its own (about a tenth of
     * the CPU of a small request). Requests are still timed as a whole (http.server.requests).
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall, with its header and parameter checks answered the same way but cheaper: a
     * value of printable ASCII (and tab, for header values) passes at once; any other is tried against Spring's own
     * pattern. That pattern, run on each character of an 800-character bearer token, was a fifth of the CPU of an
     * authenticated GET.
     */
    @Bean
    static ServerWebExchangeFirewall firewall() {
        StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
        firewall.setAllowedHeaderNames(printableAsciiOr(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES, false));
        firewall.setAllowedHeaderValues(printableAsciiOr(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES, true));
        firewall.setAllowedParameterNames(
                printableAsciiOr(StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES, false));
        return firewall;
    }

    /** True for null or printable ASCII (plus tab where {@code tab}); otherwise whatever {@code strict} answers. */
    static Predicate<String> printableAsciiOr(Predicate<String> strict, boolean tab) {
        return value -> {
            if (value == null) {
                return strict.test(null);
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 || c > 0x7e) && !(tab && c == '\t')) {
                    return strict.test(value);
                }
            }
            return true;
        };
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, AuthProperties properties, SigningKeys keys,
                                                  VerifiedTokens verified) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(rules -> rules
                        .matchers(Paths.of(PUBLIC)).permitAll()
                        .matchers(Paths.of(HttpMethod.OPTIONS, "/**")).permitAll()
                        .matchers(Paths.of("/api/v1/**")).hasRole("PATIENT")
                        .matchers(Paths.of("/staff/v1/audit/**", "/staff/v1/consent-documents/**")).hasRole("ADMIN")
                        // Follow-up care is clinical: care coordinators (and admins) only; templates are set by admins.
                        .matchers(Paths.of(HttpMethod.POST, "/staff/v1/care-plan-templates/**")).hasRole("ADMIN")
                        .matchers(Paths.of("/staff/v1/care-plan-templates/**", "/staff/v1/care-plans/**",
                                "/staff/v1/recalls/**"))
                                .hasAnyRole("CARE_COORDINATOR", "ADMIN")
                        // A patient's notification history is patient data: the staff who answer patients see it
                        // and resend what failed to reach them; content editors have no need to.
                        .matchers(Paths.of("/staff/v1/notifications/**"))
                                .hasAnyRole("FEEDBACK_AGENT", "FEEDBACK_MANAGER", "ADMIN")
                        // The feedback inbox: the staff who answer patients (managers also assign to others).
                        .matchers(Paths.of("/staff/v1/feedback/**", "/staff/v1/feedback"))
                                .hasAnyRole("FEEDBACK_AGENT", "FEEDBACK_MANAGER", "ADMIN")
                        // The 360° view of a patient: those who answer or follow up patients (masked per role).
                        .matchers(Paths.of("/staff/v1/patients/**"))
                                .hasAnyRole("FEEDBACK_AGENT", "FEEDBACK_MANAGER", "CARE_COORDINATOR", "ADMIN")
                        // Surveys: feedback managers (and admins) define them, feedback agents read them; the
                        // NPS/CSAT aggregates hold no patient data and are for the three of them.
                        .matchers(Paths.of(HttpMethod.GET, "/staff/v1/surveys/**", "/staff/v1/analytics/**"))
                                .hasAnyRole("FEEDBACK_AGENT", "FEEDBACK_MANAGER", "ADMIN")
                        .matchers(Paths.of("/staff/v1/surveys/**")).hasAnyRole("FEEDBACK_MANAGER", "ADMIN")
                        .matchers(Paths.of("/staff/v1/analytics/**")).denyAll()
                        // Health-education content and the campaigns that push it: content editors (and admins).
                        .matchers(Paths.of("/staff/v1/articles/**", "/staff/v1/campaigns/**"))
                                .hasAnyRole("CONTENT_EDITOR", "ADMIN")
                        .matchers(Paths.of("/staff/v1/**")).hasRole("STAFF")
                        .matchers(Paths.of("/integration/v1/departments/**", "/integration/v1/doctors/**",
                                "/integration/v1/slots/**")).hasAuthority("SCOPE_slots:write")
                        .matchers(Paths.of(HttpMethod.GET, "/integration/v1/appointments"))
                                .hasAnyAuthority("SCOPE_visits:read", "SCOPE_visits:write")
                        .matchers(Paths.of("/integration/v1/appointments/**")).hasAuthority("SCOPE_visits:write")
                        .matchers(Paths.of("/integration/v1/reports/**")).hasAuthority("SCOPE_reports:write")
                        .matchers(Paths.of("/integration/v1/care-plans/**")).hasAuthority("SCOPE_careplans:write")
                        .matchers(Paths.of("/integration/v1/webhook-endpoints/**")).hasAuthority("SCOPE_webhooks")
                        .matchers(Paths.of("/integration/v1/**")).hasRole("CLIENT")
                        .matchers(Paths.of("/fhir/r4/**")).hasAuthority("SCOPE_fhir")
                        .anyExchange().denyAll())
                .oauth2ResourceServer(server -> server
                        .bearerTokenConverter(ignoringSignInEndpoints())
                        .authenticationManagerResolver(TokenValidation.resolver(properties, keys, verified))
                        .authenticationEntryPoint(ProblemResponses.entryPoint())
                        .accessDeniedHandler(ProblemResponses.accessDenied()))
                .addFilterAfter(rememberActor(), SecurityWebFiltersOrder.AUTHENTICATION)
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(ProblemResponses.entryPoint())
                        .accessDeniedHandler(ProblemResponses.accessDenied()))
                .build();
    }

    /**
     * Leaves the authenticated actor on the exchange, so that filters outside the security chain (the audit of
     * denials) know who was refused.
     */
    private static WebFilter rememberActor() {
        return (exchange, chain) -> Actor.current()
                .doOnNext(actor -> exchange.getAttributes().put(Actor.ATTRIBUTE, actor))
                .then(chain.filter(exchange));
    }

    /**
     * Sign-in and refresh need no access token; a stale one that an app still attaches must not turn a refresh into
     * a 401, so the bearer header is not even read there. Nor on WeChat's push, where a bearer token means nothing.
     */
    private static ServerAuthenticationConverter ignoringSignInEndpoints() {
        ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
        Paths signIn = Paths.of("/api/v1/auth/**", "/oauth2/token", "/.well-known/jwks.json", "/fhir/r4/metadata",
                "/wechat/v1/messages");
        return exchange -> signIn.matches(exchange.getRequest().getMethod(),
                        exchange.getRequest().getPath().pathWithinApplication()) ? Mono.empty()
                : oneAuthorizationHeader(exchange) ? bearer(exchange, bearer)
                : Mono.error(new OAuth2AuthenticationException(
                        BearerTokenErrors.invalidRequest("More than one Authorization header")));
    }

    /** A well-formed header's token read directly (see {@link BearerHeader}); anything else as Spring reads it. */
    private static Mono<org.springframework.security.core.Authentication> bearer(
            org.springframework.web.server.ServerWebExchange exchange, ServerBearerTokenAuthenticationConverter spring) {
        String token = BearerHeader.token(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        return token != null ? Mono.just(new org.springframework.security.oauth2.server.resource.authentication
                .BearerTokenAuthenticationToken(token)) : spring.convert(exchange);
    }

    /**
     * RFC 6750 section 2: one token, sent one way. Of two Authorization headers we would read the first, while a proxy
     * or gateway in front (logging, rate limiting by caller) may read the last: refused rather than guessed.
     */
    private static boolean oneAuthorizationHeader(org.springframework.web.server.ServerWebExchange exchange) {
        java.util.List<String> values = exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION);
        return values == null || values.size() <= 1;
    }
}
