package com.patientcrm.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the application talks to: an external one from configuration, or an embedded one
 * (real PostgreSQL binaries from Maven Central) whose files persist under the data directory across restarts.
 */
final class DatabaseServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    final String host;
    final int port;
    final String database;
    final String user;
    final String password;
    final String sslMode;
    private final EmbeddedPostgres embedded;

    private DatabaseServer(String host, int port, String database, String user, String password, String sslMode,
                           EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.sslMode = sslMode;
        this.embedded = embedded;
    }

    static DatabaseServer from(DatabaseProperties properties) {
        if (!properties.embedded()) {
            return new DatabaseServer(properties.host(), properties.port(), properties.name(), properties.user(),
                    properties.password(), properties.sslMode(), null);
        }
        Path dir = Path.of(properties.dataDir(), "postgres").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200");
            properties.embeddedSettings().forEach(builder::setServerConfig);
            if (properties.embeddedPort() > 0) {
                builder.setPort(properties.embeddedPort());
            }
            EmbeddedPostgres postgres = builder.start();
            log.info("Embedded PostgreSQL on 127.0.0.1:{}, data in {} (set DB_HOST to use an external server)",
                    postgres.getPort(), dir);
            return new DatabaseServer("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", "disable", postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dir, e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
