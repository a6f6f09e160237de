package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import reactor.core.publisher.Mono;

/** The quick read of a bearer header takes exactly the tokens Spring Security's converter takes, and no others. */
class BearerHeaderTests {

    private static final String TOKEN_CHARS = "aZ09-._~+/=";

    private final ServerBearerTokenAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();

    @Test
    void agreesWithSpringSecurityOnEveryHeaderItTakes() {
        List<String> headers = new ArrayList<>(List.of("Bearer abc", "Bearer abc==", "Bearer a=b", "Bearer =",
                "Bearer ", "Bearer", "bearer abc", "BEARER abc", "Bearer  abc", "Bearer abc ", "Bearer abc\n",
                "Bearer ab\u00e9", "Basic YWJj", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/==", ""));
        Random random = new Random(11);
        String[] prefixes = {"Bearer ", "bearer ", "BEARER ", "Bearer", "Bearer\t", "Bearer  "};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder header = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
            for (int j = random.nextInt(40); j > 0; j--) {
                int pick = random.nextInt(20);
                header.append(pick == 0 ? (char) random.nextInt(0x3000)
                        : pick == 1 ? (char) (0x20 + random.nextInt(0x5f))
                        : TOKEN_CHARS.charAt(random.nextInt(TOKEN_CHARS.length())));
            }
            headers.add(header.toString());
        }
        // Well-formed tokens of every length up to a JWT's: each must take the quick path.
        String body = TOKEN_CHARS.replace("=", "");
        for (int i = 0; i < 2_000; i++) {
            StringBuilder header = new StringBuilder("Bearer ");
            for (int j = 1 + random.nextInt(600); j > 0; j--) {
                header.append(body.charAt(random.nextInt(body.length())));
            }
            header.append("=".repeat(random.nextInt(3)));
            headers.add(header.toString());
        }
        int taken = 0;
        for (String header : headers) {
            String ours = BearerHeader.token(header);
            String springs = springToken(header);
            if (header.startsWith("Bearer ")) {
                assertThat(ours).as(header).isEqualTo(springs);
            } else {
                assertThat(ours).as("left to Spring: " + header).isNull();
            }
            taken += ours != null ? 1 : 0;
        }
        assertThat(taken).as("headers read quickly").isGreaterThan(2_000);
        assertThat(BearerHeader.token(null)).isNull();
    }

    /** Spring's token, or null when it finds none or refuses the header. */
    private String springToken(String header) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/v1/me").header(HttpHeaders.AUTHORIZATION, header));
        return spring.convert(exchange)
                .map(auth -> ((BearerTokenAuthenticationToken) auth).getToken())
                .onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(5));
    }
}
