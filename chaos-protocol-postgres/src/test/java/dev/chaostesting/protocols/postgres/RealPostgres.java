package dev.chaostesting.protocols.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One real PostgreSQL server for the tests of this JVM (embedded binaries, loopback only), with users that
 * authenticate by SCRAM-SHA-256, MD5 and cleartext password; everyone else is trusted.
 */
final class RealPostgres {

    static final String SCRAM_PASSWORD = "scram-Secret-4711";
    static final String MD5_PASSWORD = "md5-Secret-4712";
    static final String CLEARTEXT_PASSWORD = "clear-Secret-4713";

    private static EmbeddedPostgres server;

    private RealPostgres() {}

    static synchronized int port() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setDataDirectoryCustomizer(dir -> {
                            try {
                                Files.writeString(dir.toPath().resolve("pg_hba.conf"), """
                                        local all all trust
                                        host all scram_user 127.0.0.1/32 scram-sha-256
                                        host all md5_user 127.0.0.1/32 md5
                                        host all clear_user 127.0.0.1/32 password
                                        host all all 127.0.0.1/32 trust
                                        """);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .start();
                try (var c = connect(server.getPort(), "postgres", null, new Properties());
                        var s = c.createStatement()) {
                    s.execute("CREATE ROLE scram_user LOGIN SUPERUSER PASSWORD '" + SCRAM_PASSWORD + "'");
                    s.execute("SET password_encryption = 'md5'");
                    s.execute("CREATE ROLE md5_user LOGIN SUPERUSER PASSWORD '" + MD5_PASSWORD + "'");
                    s.execute("SET password_encryption = 'scram-sha-256'");
                    s.execute("CREATE ROLE clear_user LOGIN SUPERUSER PASSWORD '" + CLEARTEXT_PASSWORD + "'");
                }
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("embedded PostgreSQL did not start: " + e, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    // the JVM is exiting
                }
            }));
        }
        return server.getPort();
    }

    private static EmbeddedPostgres tlsServer;

    /** A second server that accepts SSL (a self-signed certificate made with openssl); null when openssl fails. */
    static synchronized int tlsPort() throws Exception {
        if (tlsServer == null) {
            tlsServer = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", "server.crt")
                    .setServerConfig("ssl_key_file", "server.key")
                    .setDataDirectoryCustomizer(dir -> {
                        try {
                            var process = new ProcessBuilder(
                                            "openssl",
                                            "req",
                                            "-x509",
                                            "-newkey",
                                            "rsa:2048",
                                            "-nodes",
                                            "-days",
                                            "2",
                                            "-subj",
                                            "/CN=localhost",
                                            "-keyout",
                                            "server.key",
                                            "-out",
                                            "server.crt")
                                    .directory(dir)
                                    .redirectErrorStream(true)
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                    .start();
                            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)
                                    || process.exitValue() != 0) {
                                throw new IllegalStateException("openssl could not make a certificate");
                            }
                            Files.setPosixFilePermissions(
                                    dir.toPath().resolve("server.key"),
                                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    })
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    tlsServer.close();
                } catch (IOException e) {
                    // the JVM is exiting
                }
            }));
        }
        return tlsServer.getPort();
    }

    static Connection connect(int port, String user, String password, Properties extra) throws SQLException {
        var p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "30");
        p.setProperty("socketTimeout", "60");
        p.putAll(extra);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }
}
