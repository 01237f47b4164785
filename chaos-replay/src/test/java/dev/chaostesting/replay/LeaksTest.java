package dev.chaostesting.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.replay.internal.Leaks;
import org.junit.jupiter.api.Test;

class LeaksTest {

    @Test
    void internals_in_a_body_are_found_and_named() {
        assertThat(Leaks.find("{\"error\":\"java.io.IOException: reset\\n\\tat com.acme.Repo.save(Repo.java:42)\"}"))
                .startsWith("a Java stack trace: ")
                .contains("at com.acme.Repo.save(Repo.java:42)");
        assertThat(Leaks.find("Traceback (most recent call last):\n  File \"/app/x.py\", line 3"))
                .startsWith("a Python traceback");
        assertThat(Leaks.find("goroutine 17 [running]:")).startsWith("a Go panic");
        assertThat(Leaks.find("{\"message\":\"org.postgresql.util.PSQLException: boom\"}"))
                .startsWith("an exception name: org.postgresql.util.PSQLException");
        assertThat(Leaks.find("{\"error\":\"ERROR: duplicate key value violates unique constraint\"}"))
                .startsWith("SQL");
        assertThat(Leaks.find("{\"q\":\"SELECT id, name FROM items WHERE id = $1\"}"))
                .startsWith("SQL");
        assertThat(Leaks.find("at Object.<anonymous> (/srv/app/server.js:12:5)"))
                .startsWith("a JavaScript stack trace");
        assertThat(Leaks.find("failed in /home/build/app/src/Main.java")).startsWith("an internal file path");
    }

    @Test
    void ordinary_error_bodies_are_not_leaks() {
        assertThat(Leaks.find("{\"error\":\"unavailable\",\"message\":\"the store is not reachable\"}"))
                .isNull();
        assertThat(Leaks.find("{\"error\":\"validation_failed\",\"message\":\"select a tier from the list\"}"))
                .isNull();
        assertThat(Leaks.find("{\"error\":\"not_found\",\"message\":\"Internal Server Error\"}"))
                .isNull();
        assertThat(Leaks.find("")).isNull();
        assertThat(Leaks.find(null)).isNull();
    }
}
