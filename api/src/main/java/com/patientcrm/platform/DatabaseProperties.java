package com.patientcrm.platform;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the database is. A blank host means the embedded PostgreSQL, with its files under {@code dataDir}.
 * {@code schemas} are migrated in this order, each from {@code classpath:db/migration/<schema>} of its module.
 * {@code maxAcquireTime} is how long a request may wait for a pooled connection before it answers 503;
 * {@code statementTimeout} how long any one round trip on a connection may wait for the server to answer (a hung
 * server: see {@link TimeLimitedConnectionFactory}) before the request answers 503.
 * {@code embeddedSettings} are server settings ({@code postgres -c name=value}) of the embedded PostgreSQL only; an
 * external server is configured by whoever runs it.
 */
@Validated
@ConfigurationProperties("crm.db")
public record DatabaseProperties(
        String host,
        @Min(0) @Max(65535) int port,
        @NotBlank String name,
        @NotBlank String user,
        String password,
        @NotBlank String sslMode,
        @Min(1) int poolSize,
        @NotBlank String dataDir,
        @Min(0) @Max(65535) int embeddedPort,
        @NotEmpty List<String> schemas,
        @DefaultValue("5s") Duration maxAcquireTime,
        @DefaultValue("5s") Duration statementTimeout,
        Map<String, String> embeddedSettings) {

    public DatabaseProperties {
        embeddedSettings = embeddedSettings == null ? Map.of() : Map.copyOf(embeddedSettings);
    }

    public boolean embedded() {
        return host == null || host.isBlank();
    }
}
