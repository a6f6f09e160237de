package com.patientcrm.auth;

import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * A request matcher for a list of path patterns (and optionally one method) that decides in one plain loop.
 * Spring Security's {@code pathMatchers(...)} builds one reactive matcher per pattern and joins them with
 * {@code Flux.flatMap(...).filter(...).next()}: a list of twenty public paths cost every request a few dozen
 * operators and a walk up the subscriber chain per cancelled one. Same patterns, same parser, same path (the path
 * within the application), same answer; only without the per-pattern Monos. Path variables are not extracted:
 * no rule here reads them.
 */
final class Paths implements ServerWebExchangeMatcher {

    private static final Mono<MatchResult> MATCH = MatchResult.match();
    private static final Mono<MatchResult> NO_MATCH = MatchResult.notMatch();

    private final HttpMethod method;
    private final List<PathPattern> patterns;

    private Paths(HttpMethod method, String... patterns) {
        this.method = method;
        PathPatternParser parser = PathPatternParser.defaultInstance;
        this.patterns = Arrays.stream(patterns).map(p -> parser.parse(parser.initFullPathPattern(p))).toList();
    }

    /** Any method. */
    static Paths of(String... patterns) {
        return new Paths(null, patterns);
    }

    static Paths of(HttpMethod method, String... patterns) {
        return new Paths(method, patterns);
    }

    boolean matches(HttpMethod requestMethod, PathContainer path) {
        if (method != null && !method.equals(requestMethod)) {
            return false;
        }
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        return matches(exchange.getRequest().getMethod(), exchange.getRequest().getPath().pathWithinApplication())
                ? MATCH : NO_MATCH;
    }

    @Override
    public String toString() {
        return "Paths" + (method == null ? "" : " " + method) + " " + patterns;
    }
}
