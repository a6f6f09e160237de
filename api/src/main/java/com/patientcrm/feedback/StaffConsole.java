package com.patientcrm.feedback;

import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

/**
 * The staff console: static files under {@code classpath:/static/staff/} (served by WebFlux's resource handler,
 * public in the security rules: they hold no data, everything comes from {@code /staff/v1} with the staff's token).
 * {@code /staff/} answers the page itself, {@code /staff} redirects there so that the page's relative addresses
 * resolve. The console's pages get a strict Content-Security-Policy: only our own scripts, styles and API, no inline
 * code, no framing, so that even a slip in the page could not run injected script or send data elsewhere.
 */
@Configuration(proxyBeanMethods = false)
class StaffConsole {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Resource PAGE = new ClassPathResource("static/staff/index.html");

    @Bean
    RouterFunction<ServerResponse> staffConsolePage() {
        return RouterFunctions.route()
                .GET("/staff", request -> ServerResponse.permanentRedirect(URI.create("/staff/")).build())
                .GET("/staff/", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(PAGE))
                .build();
    }

    @Bean
    WebFilter staffConsoleHeaders() {
        return (exchange, chain) -> {
            String path = exchange.getRequest().getPath().pathWithinApplication().value();
            if (path.equals("/staff") || path.startsWith("/staff/") && !path.startsWith("/staff/v1/")) {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                headers.set("Referrer-Policy", "no-referrer");
                headers.set("X-Content-Type-Options", "nosniff");
            }
            return chain.filter(exchange);
        };
    }
}
