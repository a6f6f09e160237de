package com.patientcrm.auth;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Hospital systems that sign in with OAuth2 client credentials, each with its scopes. */
@Component
class Clients {

    /** Every scope a hospital integration can hold. */
    static final Set<String> INTEGRATION_SCOPES =
            Set.of("slots:write", "visits:read", "visits:write", "reports:write", "careplans:write", "webhooks", "fhir");

    private final DatabaseClient db;
    private final Secrets secrets;

    Clients(DatabaseClient db, Secrets secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    record Client(String clientId, Set<String> scopes) {}

    /** The enabled client whose secret matches, or empty; takes the same time for unknown clients. */
    Mono<Client> authenticate(String clientId, String secret) {
        return db.sql("select client_id, scopes, secret_hash from auth.clients where client_id = :id and enabled")
                .bind("id", clientId)
                .map(row -> new Stored(new Client(row.get("client_id", String.class),
                        Arrays.stream(row.get("scopes", String[].class)).collect(Collectors.toUnmodifiableSet())),
                        row.get("secret_hash", String.class)))
                .one()
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> secrets.matches(secret, found.map(Stored::secretHash).orElse(null))
                        .flatMap(ok -> ok ? Mono.justOrEmpty(found.map(Stored::client)) : Mono.empty()));
    }

    private record Stored(Client client, String secretHash) {}

    Mono<Void> upsert(String clientId, String secret, Set<String> scopes, String name) {
        return secrets.hash(secret).flatMap(hash -> db.sql(
                        "insert into auth.clients (client_id, secret_hash, scopes, name) values (:id, :hash, :scopes, :name) "
                                + "on conflict (client_id) do update set secret_hash = excluded.secret_hash, "
                                + "scopes = excluded.scopes, enabled = true")
                .bind("id", clientId)
                .bind("hash", hash)
                .bind("scopes", scopes.stream().sorted().toArray(String[]::new))
                .bind("name", name)
                .then());
    }
}
