package com.patientcrm.auth;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Creates (or resets) the bootstrap staff admin and hospital client before the server accepts traffic, so that
 * a fresh installation can be signed into. Secrets not given in the environment are generated once and kept
 * under the data directory, readable by the owner only; their location is logged, never their value.
 */
@Component
class AuthBootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(AuthBootstrap.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StaffAccounts staff;
    private final Clients clients;
    private final AuthProperties properties;

    AuthBootstrap(StaffAccounts staff, Clients clients, AuthProperties properties) {
        this.staff = staff;
        this.clients = clients;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        AuthProperties.Bootstrap bootstrap = properties.bootstrap();
        Secret admin = secret(bootstrap.adminPassword(), "admin-password", "ADMIN_PASSWORD");
        Secret client = secret(bootstrap.clientSecret(), "integration-client-secret", "INTEGRATION_CLIENT_SECRET");
        // Start-up, on the main thread, before the web server is started: waiting here is intended.
        Mono.when(
                        staff.upsert(bootstrap.adminUsername(), admin.value(), EnumSet.allOf(StaffRole.class)),
                        clients.upsert(bootstrap.clientId(), client.value(), Clients.INTEGRATION_SCOPES, "bootstrap client"))
                .block(Duration.ofSeconds(60));
        log.info("Staff admin '{}' (all roles): password {}", bootstrap.adminUsername(), admin.source());
        log.info("Hospital client '{}' (scopes {}): secret {}", bootstrap.clientId(),
                String.join(" ", Clients.INTEGRATION_SCOPES.stream().sorted().toList()), client.source());
    }

    private record Secret(String value, String source) {}

    private Secret secret(String configured, String fileName, String variable) {
        if (configured != null && !configured.isBlank()) {
            return new Secret(configured, "from " + variable);
        }
        Path file = Path.of(properties.dataDir(), "secrets", fileName).toAbsolutePath();
        String value = KeyFiles.readOrCreate(file, AuthBootstrap::randomSecret);
        return new Secret(value, "generated, in " + file + " (set " + variable + " to choose it)");
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
