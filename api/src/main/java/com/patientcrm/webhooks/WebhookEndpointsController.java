package com.patientcrm.webhooks;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Integration clients manage their own webhook endpoints, read the delivery log, and send themselves a test event. */
@RestController
@RequestMapping("/integration/v1/webhook-endpoints")
class WebhookEndpointsController {

    private final WebhookEndpoints endpoints;
    private final Webhooks webhooks;

    WebhookEndpointsController(WebhookEndpoints endpoints, Webhooks webhooks) {
        this.endpoints = endpoints;
        this.webhooks = webhooks;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Mono<WebhookDtos.CreatedEndpoint> create(@Valid @RequestBody WebhookDtos.EndpointCreate body, JwtAuthenticationToken client) {
        return endpoints.create(client.getName(), body);
    }

    @GetMapping
    Mono<WebhookDtos.Endpoints> list(JwtAuthenticationToken client) {
        return endpoints.list(client.getName());
    }

    @GetMapping("/{id}")
    Mono<WebhookDtos.Endpoint> get(@PathVariable UUID id, JwtAuthenticationToken client) {
        return endpoints.get(client.getName(), id);
    }

    @PatchMapping("/{id}")
    Mono<WebhookDtos.Endpoint> update(@PathVariable UUID id, @Valid @RequestBody WebhookDtos.EndpointUpdate body,
                                      JwtAuthenticationToken client) {
        return endpoints.update(client.getName(), id, body);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@PathVariable UUID id, JwtAuthenticationToken client) {
        return endpoints.delete(client.getName(), id);
    }

    @PostMapping("/{id}/rotate-secret")
    Mono<WebhookDtos.RotatedSecret> rotate(@PathVariable UUID id, JwtAuthenticationToken client) {
        return endpoints.rotate(client.getName(), id);
    }

    @GetMapping("/{id}/attempts")
    Mono<WebhookDtos.Attempts> attempts(@PathVariable UUID id,
                                        @RequestParam(required = false) @Min(1) Long cursor,
                                        @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
                                        JwtAuthenticationToken client) {
        return endpoints.attempts(client.getName(), id, cursor, limit);
    }

    @PostMapping("/{id}/ping")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<WebhookDtos.PingSent> ping(@PathVariable UUID id, JwtAuthenticationToken client) {
        return endpoints.requireActive(client.getName(), id)
                .flatMap(endpoint -> webhooks.ping(id))
                .map(WebhookDtos.PingSent::new);
    }
}
