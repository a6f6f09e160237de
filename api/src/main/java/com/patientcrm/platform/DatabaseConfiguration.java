package com.patientcrm.platform;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One PostgreSQL database, one schema per module. Migrations run (over JDBC, at start-up only) before the
 * reactive connection pool exists, so nothing can query a schema that is not yet migrated.
 */
@Configuration
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    DatabaseServer databaseServer(DatabaseProperties properties) {
        return DatabaseServer.from(properties);
    }

    @Bean(destroyMethod = "dispose")
    ConnectionPool connectionFactory(DatabaseServer server, DatabaseProperties properties) {
        migrate(server, properties);
        ConnectionFactory postgres = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(server.host)
                .port(server.port)
                .database(server.database)
                .username(server.user)
                .password(server.password == null ? "" : server.password)
                .sslMode(SSLMode.fromValue(server.sslMode))
                .connectTimeout(Duration.ofSeconds(5))
                // A server that vanished without closing its sockets (host down, network cut) is noticed by the kernel.
                .tcpKeepAlive(true)
                .applicationName("patient-crm")
                // Binary results: timestamps and UUIDs decode without text parsing (measured on the slot search).
                .forceBinary(true)
                .build());
        // Under the pool, so that a connection that missed a deadline is dropped from it (see the class).
        ConnectionFactory limited = new TimeLimitedConnectionFactory(postgres, properties.statementTimeout());
        return new BoundedAcquirePool(ConnectionPoolConfiguration.builder(limited)
                .initialSize(Math.min(4, properties.poolSize()))
                .maxSize(properties.poolSize())
                .maxCreateConnectionTime(Duration.ofSeconds(5))
                .maxIdleTime(Duration.ofMinutes(10))
                // Connections are renewed now and then, and idle ones that died are swept out in the background, so a
                // pool recovers from a database restart or fail-over without waiting for a request to trip over them.
                .maxLifeTime(Duration.ofMinutes(30))
                .backgroundEvictionInterval(Duration.ofSeconds(30))
                // Local validation only: a validation query would add a round trip to every connection checkout. A
                // restarted server closes its sockets, which local validation sees; keep-alive and the eviction above
                // catch the rest, and a connection on a hung server is invalid once it missed a deadline.
                .validationDepth(ValidationDepth.LOCAL)
                .name("patient-crm")
                .build(),
                // Bounds how long a request waits for a connection when the pool is exhausted or the database is down:
                // past it the request fails fast with 503 (platform.DatabaseUnavailable) instead of queueing.
                properties.maxAcquireTime());
    }

    private static void migrate(DatabaseServer server, DatabaseProperties properties) {
        for (String schema : properties.schemas()) {
            var result = Flyway.configure()
                    .dataSource(server.jdbcUrl(), server.user, server.password)
                    .schemas(schema)
                    .createSchemas(true)
                    .locations("classpath:db/migration/" + schema)
                    .load()
                    .migrate();
            log.info("Schema {}: {} migration(s) applied, now at version {}", schema, result.migrationsExecuted,
                    result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
        }
    }
}
