package com.patientcrm.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Checks every API response a test receives against openapi/openapi.yaml: status, media type, headers and body
 * schema. A response the contract does not describe fails the test that received it. The one exception: a
 * 401/403/404 for a path that has no route, or a 405 for a method it does not have (security or routing answered;
 * the route test keeps the routes listed).
 */
public final class ContractValidator {

    public static final Path CONTRACT = Path.of("../openapi/openapi.yaml");
    private static final List<String> CHECKED = List.of("/api/", "/staff/", "/integration/", "/fhir/", "/oauth2/", "/.well-known/",
            "/wechat/");

    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForSpecificationUrl(CONTRACT.toAbsolutePath().toUri().toString())
            .build();

    private ContractValidator() {
    }

    public static ExchangeFilterFunction filter() {
        return (request, next) -> next.exchange(request).flatMap(response -> response.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                // The validator's schema caches lock and read files: keep that off the client's event loop.
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    check(request, response, body);
                    return response.mutate()
                            .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)))
                            .build();
                }));
    }

    private static void check(ClientRequest request, ClientResponse response, byte[] body) {
        String path = request.url().getRawPath();
        if (CHECKED.stream().noneMatch(path::startsWith)) {
            return;
        }
        SimpleResponse.Builder built = SimpleResponse.Builder.status(response.statusCode().value());
        response.headers().asHttpHeaders().forEach((name, values) -> built.withHeader(name, values));
        if (body.length > 0) {
            built.withBody(new String(body, StandardCharsets.UTF_8));
        }
        ValidationReport report = VALIDATOR.validateResponse(path, Request.Method.valueOf(request.method().name()), built.build());
        int status = response.statusCode().value();
        boolean unroutedDenial = (status == 401 || status == 403 || status == 404) && report.getMessages().stream()
                .allMatch(m -> m.getKey().equals("validation.request.path.missing"))
                || status == 405 && report.getMessages().stream()
                .allMatch(m -> m.getKey().equals("validation.request.operation.notAllowed"));
        if (report.hasErrors() && !unroutedDenial) {
            throw new AssertionError("Response to " + request.method() + " " + path + " (" + response.statusCode()
                    + ") breaks the contract:\n" + report.getMessages() + "\nBody: " + new String(body, StandardCharsets.UTF_8));
        }
    }

}
