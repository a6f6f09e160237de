package com.patientcrm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcBadGrammarException;
import java.time.Duration;
import nl.altindag.log.LogCaptor;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.r2dbc.BadSqlGrammarException;
import reactor.netty.channel.AbortedException;
import reactor.test.StepVerifier;

/**
 * The last line behind StorableText: text PostgreSQL refuses is the caller's 400, any other SQL error stays ours.
 * A client that went away before its answer was written is not an error of ours.
 */
class ProblemHandlingTests {

    private final ProblemHandling handling = new ProblemHandling();

    @Test
    void textPostgresqlCannotStoreIsAMalformedRequest() {
        StepVerifier.create(handling.unstorableText(sqlError("22021"), exchange()))
                .assertNext(answer -> {
                    assertThat(answer.getStatusCode().value()).isEqualTo(400);
                    assertThat(((ProblemDetail) answer.getBody()).getType().toString())
                            .isEqualTo("urn:patientcrm:problem:malformed-request");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void anyOtherSqlErrorIsStillAnInternalError() {
        StepVerifier.create(handling.unstorableText(sqlError("42P01"), exchange()))
                .assertNext(answer -> assertThat(answer.getStatusCode().value()).isEqualTo(500))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aClientThatWentAwayIsNeitherAnsweredNorLoggedAsAnError() {
        AbortedException gone = AbortedException.beforeSend();
        try (LogCaptor logs = LogCaptor.forClass(ProblemHandling.class)) {
            StepVerifier.create(handling.unexpected(gone, exchange()))
                    .expectErrorSatisfies(error -> assertThat(error).isSameAs(gone))
                    .verify(Duration.ofSeconds(5));
            assertThat(logs.getErrorLogs()).isEmpty();
            assertThat(logs.getWarnLogs()).isEmpty();
        }
    }

    @Test
    void anyOtherUnexpectedErrorIsStillAnInternalErrorAndLogged() {
        try (LogCaptor logs = LogCaptor.forClass(ProblemHandling.class)) {
            StepVerifier.create(handling.unexpected(new IllegalStateException("bug"), exchange()))
                    .assertNext(answer -> assertThat(answer.getStatusCode().value()).isEqualTo(500))
                    .expectComplete()
                    .verify(Duration.ofSeconds(5));
            assertThat(logs.getErrorLogs()).containsExactly("Unhandled error on POST /api/v1/me/family-members");
        }
    }

    private static BadSqlGrammarException sqlError(String sqlState) {
        return new BadSqlGrammarException("insert", "insert into t values (:v)", new R2dbcBadGrammarException("x", sqlState));
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/me/family-members"));
    }
}
