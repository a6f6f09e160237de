package com.patientcrm.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Built-in staff accounts (for hospitals without an OIDC issuer, and for the default run). */
@Component
class StaffAccounts {

    private final DatabaseClient db;
    private final Secrets secrets;

    StaffAccounts(DatabaseClient db, Secrets secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    record Staff(UUID id, String username, Set<String> roles, String passwordHash) {}

    /** The enabled account whose password matches, or empty; takes the same time either way. */
    Mono<Staff> authenticate(String username, String password) {
        return db.sql("select id, username, roles, password_hash from auth.staff_accounts "
                        + "where username = :username and enabled")
                .bind("username", username.toLowerCase(Locale.ROOT))
                .map(row -> new Staff(row.get("id", UUID.class), row.get("username", String.class),
                        roles(row.get("roles", String[].class)), row.get("password_hash", String.class)))
                .one()
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> secrets.matches(password, found.map(Staff::passwordHash).orElse(null))
                        .flatMap(ok -> ok ? Mono.justOrEmpty(found) : Mono.empty()));
    }

    Mono<Staff> findEnabled(UUID id) {
        return db.sql("select id, username, roles from auth.staff_accounts where id = :id and enabled")
                .bind("id", id)
                .map(row -> new Staff(row.get("id", UUID.class), row.get("username", String.class),
                        roles(row.get("roles", String[].class)), null))
                .one();
    }

    /** Creates the account, or resets its password and roles when it exists (bootstrap admin). */
    Mono<Void> upsert(String username, String password, Set<StaffRole> roles) {
        String[] names = roles.stream().map(Enum::name).sorted().toArray(String[]::new);
        return secrets.hash(password).flatMap(hash -> db.sql(
                        "insert into auth.staff_accounts (id, username, password_hash, display_name, roles) "
                                + "values (:id, :username, :hash, :username, :roles) on conflict (username) do update "
                                + "set password_hash = excluded.password_hash, roles = excluded.roles, enabled = true")
                .bind("id", UUID.randomUUID())
                .bind("username", username.toLowerCase(Locale.ROOT))
                .bind("hash", hash)
                .bind("roles", names)
                .then());
    }

    private static Set<String> roles(String[] stored) {
        return stored == null ? Set.of() : Arrays.stream(stored).collect(Collectors.toUnmodifiableSet());
    }
}
