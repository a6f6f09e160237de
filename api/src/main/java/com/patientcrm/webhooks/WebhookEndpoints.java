package com.patientcrm.webhooks;

import com.patientcrm.auth.FieldCrypto;
import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The endpoints each integration client registers. A client sees and changes only its own: another client's
 * endpoint answers exactly like a missing one.
 */
@Component
class WebhookEndpoints {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, url, description, event_types, active, disabled_reason, created_at, updated_at";

    private final DatabaseClient db;
    private final FieldCrypto crypto;
    private final WebhookProperties properties;
    private final Clock clock;

    WebhookEndpoints(DatabaseClient db, FieldCrypto crypto, WebhookProperties properties, Clock clock) {
        this.db = db;
        this.crypto = crypto;
        this.properties = properties;
        this.clock = clock;
    }

    Mono<WebhookDtos.CreatedEndpoint> create(String clientId, WebhookDtos.EndpointCreate body) {
        String url = checkedUrl(body.url());
        String[] types = checkedTypes(body.eventTypes());
        String secret = newSecret();
        UUID id = UUID.randomUUID();
        // The count and the insert are one statement, so a client cannot pass its limit by racing itself far.
        return db.sql("insert into app.webhook_endpoints (id, client_id, url, description, event_types, secret) "
                        + "select :id, :client, :url, :description, :types, :secret where (select count(*) from "
                        + "app.webhook_endpoints where client_id = :client) < :max returning created_at")
                .bind("id", id).bind("client", clientId).bind("url", url)
                .bind("description", Parameter.fromOrEmpty(body.description(), String.class))
                .bind("types", types).bind("secret", crypto.encrypt(secret))
                .bind("max", properties.maxEndpointsPerClient())
                .map(row -> row.get("created_at", OffsetDateTime.class)).one()
                .switchIfEmpty(Mono.error(() -> Problems.conflict("This client already has "
                        + properties.maxEndpointsPerClient() + " webhook endpoints, the most allowed; delete one first.")))
                .map(created -> new WebhookDtos.CreatedEndpoint(id, url, body.description(), List.of(types), true,
                        created, secret));
    }

    Mono<WebhookDtos.Endpoints> list(String clientId) {
        return db.sql("select " + COLUMNS + " from app.webhook_endpoints where client_id = :client order by created_at, id")
                .bind("client", clientId).map(WebhookEndpoints::endpoint).all().collectList()
                .map(WebhookDtos.Endpoints::new);
    }

    Mono<WebhookDtos.Endpoint> get(String clientId, UUID id) {
        return db.sql("select " + COLUMNS + " from app.webhook_endpoints where id = :id and client_id = :client")
                .bind("id", id).bind("client", clientId).map(WebhookEndpoints::endpoint).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("webhook endpoint")));
    }

    Mono<WebhookDtos.Endpoint> update(String clientId, UUID id, WebhookDtos.EndpointUpdate body) {
        String url = body.url() == null ? null : checkedUrl(body.url());
        String[] types = body.eventTypes() == null ? null : checkedTypes(body.eventTypes());
        // Re-enabling clears the reason it was disabled; disabling by hand records that it was by hand.
        return db.sql("update app.webhook_endpoints set url = coalesce(:url, url), "
                        + "description = case when :setDescription then :description else description end, "
                        + "event_types = coalesce(:types, event_types), active = coalesce(:active, active), "
                        + "disabled_reason = case when :active is null then disabled_reason when :active then null "
                        + "else 'disabled by the client' end, updated_at = now() "
                        + "where id = :id and client_id = :client returning " + COLUMNS)
                .bind("url", Parameter.fromOrEmpty(url, String.class))
                .bind("setDescription", body.description() != null)
                .bind("description", Parameter.fromOrEmpty(body.description(), String.class))
                .bind("types", Parameter.fromOrEmpty(types, String[].class))
                .bind("active", Parameter.fromOrEmpty(body.active(), Boolean.class))
                .bind("id", id).bind("client", clientId)
                .map(WebhookEndpoints::endpoint).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("webhook endpoint")));
    }

    Mono<Void> delete(String clientId, UUID id) {
        return db.sql("delete from app.webhook_endpoints where id = :id and client_id = :client")
                .bind("id", id).bind("client", clientId).fetch().rowsUpdated()
                .flatMap(n -> n == 0 ? Mono.error(Problems.notFound("webhook endpoint")) : Mono.empty());
    }

    /** A new secret; the old one keeps signing alongside it for the overlap, so the receiver can switch without loss. */
    Mono<WebhookDtos.RotatedSecret> rotate(String clientId, UUID id) {
        String secret = newSecret();
        OffsetDateTime until = clock.instant().plus(properties.secretRotationOverlap()).atOffset(ZoneOffset.UTC);
        return db.sql("update app.webhook_endpoints set previous_secret = secret, previous_secret_expires_at = :until, "
                        + "secret = :secret, updated_at = now() where id = :id and client_id = :client")
                .bind("until", until).bind("secret", crypto.encrypt(secret)).bind("id", id).bind("client", clientId)
                .fetch().rowsUpdated()
                .flatMap(n -> n == 0 ? Mono.error(Problems.notFound("webhook endpoint"))
                        : Mono.just(new WebhookDtos.RotatedSecret(secret, until)));
    }

    /** The endpoint's attempts, newest first; {@code before} is the cursor (an attempt id) from the previous page. */
    Mono<WebhookDtos.Attempts> attempts(String clientId, UUID id, Long before, int limit) {
        return get(clientId, id).then(db.sql("select id, message_id, event_type, attempt, succeeded, status_code, error, "
                        + "duration_ms, attempted_at from app.webhook_attempts where endpoint_id = :id and id < :before "
                        + "order by id desc limit :limit")
                .bind("id", id).bind("before", before == null ? Long.MAX_VALUE : before).bind("limit", limit + 1)
                .map(row -> new WebhookDtos.Attempt(row.get("id", Long.class), row.get("message_id", UUID.class),
                        row.get("event_type", String.class), row.get("attempt", Integer.class),
                        row.get("succeeded", Boolean.class), row.get("status_code", Integer.class),
                        row.get("error", String.class), row.get("duration_ms", Integer.class),
                        row.get("attempted_at", OffsetDateTime.class)))
                .all().collectList()
                .map(rows -> rows.size() > limit
                        ? new WebhookDtos.Attempts(rows.subList(0, limit), String.valueOf(rows.get(limit - 1).id()))
                        : new WebhookDtos.Attempts(rows, null)));
    }

    /** The client's endpoint if it is active; a disabled one is a conflict (nothing would be sent to it). */
    Mono<WebhookDtos.Endpoint> requireActive(String clientId, UUID id) {
        return get(clientId, id)
                .flatMap(endpoint -> endpoint.active() ? Mono.just(endpoint) : Mono.error(Problems.conflict(
                        "This endpoint is disabled; re-enable it (PATCH active: true) before testing it.")));
    }

    private String checkedUrl(String raw) {
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (java.net.URISyntaxException malformed) {
            throw Problems.invalidField("url", "is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw Problems.invalidField("url", "must be an absolute https URL");
        }
        if (scheme.equals("http") && !properties.allowInsecureHttp()) {
            throw Problems.invalidField("url", "must use https (events carry patient identifiers)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw Problems.invalidField("url", "must not carry credentials or a fragment; the signature authenticates us");
        }
        return uri.toString();
    }

    private static String[] checkedTypes(List<String> requested) {
        List<String> unknown = new ArrayList<>();
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (String type : requested) {
            (Webhooks.EVENT_TYPES.contains(type) ? types : unknown).add(type);
        }
        if (!unknown.isEmpty()) {
            throw Problems.invalidField("eventTypes", "unknown event types " + unknown + "; known: " + Webhooks.EVENT_TYPES);
        }
        return types.toArray(String[]::new);
    }

    private static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static WebhookDtos.Endpoint endpoint(Readable row) {
        return new WebhookDtos.Endpoint(row.get("id", UUID.class), row.get("url", String.class),
                row.get("description", String.class), Arrays.asList(row.get("event_types", String[].class)),
                row.get("active", Boolean.class), row.get("disabled_reason", String.class),
                row.get("created_at", OffsetDateTime.class), row.get("updated_at", OffsetDateTime.class));
    }
}
