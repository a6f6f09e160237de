package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/** {@link Paths} answers what Spring Security's {@code pathMatchers} answers, for every access rule's patterns. */
class PathsTests {

    private static final List<String> REQUESTS = List.of(
            "/", "/api", "/api/v1", "/api/v1/", "/api/v1/me", "/api/v1/auth/otp", "/api/v1/auth", "/API/v1/me",
            "/api/v1/../staff/v1/audit", "/api/v1/%2e%2e/staff/v1/audit", "//api/v1/me", "/api/v1//me",
            "/api/v1/me;jsessionid=1", "/api/v1;x=1/me", "/actuator/health", "/actuator/health/readiness",
            "/actuator/healthz", "/actuator/prometheus", "/actuator/env", "/oauth2/token", "/oauth2/token/",
            "/.well-known/jwks.json", "/openapi.yaml", "/swagger-ui/index.html", "/swagger-ui.html",
            "/v3/api-docs/swagger-config", "/v3/api-docs", "/fhir/r4/metadata", "/fhir/r4/Slot", "/wechat/v1/messages",
            "/staff", "/staff/", "/staff/index.html", "/staff/app.js", "/staff/v1/me", "/staff/v1/x.html",
            "/staff/sub/x.js", "/staff/v1/audit/events", "/staff/v1/care-plan-templates", "/staff/v1/feedback",
            "/staff/v1/feedback/1", "/staff/v1/analytics/nps", "/integration/v1/appointments",
            "/integration/v1/appointments/1", "/integration/v1/slots", "/webjars/x/y.js");

    private static final List<String[]> RULES = List.of(SecurityConfiguration.PUBLIC,
            new String[] {"/api/v1/**"}, new String[] {"/staff/v1/feedback/**", "/staff/v1/feedback"},
            new String[] {"/staff/v1/**"}, new String[] {"/integration/v1/appointments"},
            new String[] {"/integration/v1/departments/**", "/integration/v1/doctors/**", "/integration/v1/slots/**"},
            new String[] {"/**"});

    @Test
    void answersAsSpringSecuritysPathMatchersDo() {
        int compared = 0;
        for (String[] patterns : RULES) {
            for (HttpMethod ruleMethod : new HttpMethod[] {null, HttpMethod.GET, HttpMethod.OPTIONS}) {
                ServerWebExchangeMatcher spring = ruleMethod == null ? ServerWebExchangeMatchers.pathMatchers(patterns)
                        : ServerWebExchangeMatchers.pathMatchers(ruleMethod, patterns);
                Paths ours = ruleMethod == null ? Paths.of(patterns) : Paths.of(ruleMethod, patterns);
                for (String path : REQUESTS) {
                    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS)) {
                        boolean expected = spring.matches(exchange(method, path)).block().isMatch();
                        assertThat(ours.matches(exchange(method, path)).block().isMatch())
                                .as("%s %s against %s", method, path, ours).isEqualTo(expected);
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(RULES.size() * 3 * REQUESTS.size() * 3);
    }

    @Test
    void matchesOnlyWhatItShould() {
        assertThat(Paths.of(SecurityConfiguration.PUBLIC).matches(exchange(HttpMethod.GET, "/actuator/health/liveness"))
                .block().isMatch()).isTrue();
        assertThat(Paths.of(SecurityConfiguration.PUBLIC).matches(exchange(HttpMethod.GET, "/actuator/env"))
                .block().isMatch()).isFalse();
        assertThat(Paths.of(SecurityConfiguration.PUBLIC).matches(exchange(HttpMethod.GET, "/staff/v1/me"))
                .block().isMatch()).isFalse();
        assertThat(Paths.of(HttpMethod.GET, "/integration/v1/appointments")
                .matches(exchange(HttpMethod.POST, "/integration/v1/appointments")).block().isMatch()).isFalse();
    }

    private static MockServerWebExchange exchange(HttpMethod method, String path) {
        return MockServerWebExchange.from(MockServerHttpRequest.method(method, path));
    }
}
