package dev.chaostesting.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SqlMatchTest {

    private static Supplier<SqlStatement> analysis(String sql, AtomicInteger asked) {
        return () -> {
            asked.incrementAndGet();
            return SqlStatement.analyze(sql);
        };
    }

    private static boolean matches(Map<String, Object> match, String sql) {
        return SqlMatch.matches(match, sql, analysis(sql, new AtomicInteger()));
    }

    @Test
    void kindIgnoresCase() {
        assertThat(matches(Map.of("kind", "update"), "UPDATE orders SET n = 1")).isTrue();
        assertThat(matches(Map.of("kind", "UPDATE"), "SELECT * FROM orders")).isFalse();
    }

    @Test
    void tableIsReadOrWrittenIgnoringCaseQuotesAndSchema() {
        assertThat(matches(Map.of("table", "orders"), "SELECT * FROM Orders")).isTrue();
        assertThat(matches(Map.of("table", "orders"), "INSERT INTO shop.orders (id) VALUES (1)"))
                .isTrue();
        assertThat(matches(Map.of("table", "orders"), "SELECT * FROM `orders`")).isTrue();
        assertThat(matches(Map.of("table", "\"Orders\""), "SELECT * FROM orders"))
                .isTrue();
        assertThat(matches(Map.of("table", "orders"), "SELECT * FROM preorders"))
                .isFalse();
        assertThat(matches(Map.of("table", "orders"), "SELECT * FROM users")).isFalse();
    }

    @Test
    void sqlIsARegularExpressionFoundAnywhereIgnoringCaseAcrossLines() {
        assertThat(matches(Map.of("sql", "for\\s+update"), "SELECT *\nFROM t FOR\nUPDATE"))
                .isTrue();
        assertThat(matches(Map.of("sql", "select.*from t"), "SELECT a,\nb FROM t"))
                .isTrue();
        assertThat(matches(Map.of("sql", "^delete"), "SELECT 1")).isFalse();
    }

    @Test
    void everyKeyMustMatchAndNoKeysMatchEverything() {
        var sql = "UPDATE orders SET n = 1";
        assertThat(matches(Map.of("kind", "UPDATE", "table", "orders", "sql", "set n"), sql))
                .isTrue();
        assertThat(matches(Map.of("kind", "UPDATE", "table", "users"), sql)).isFalse();
        assertThat(matches(Map.of(), sql)).isTrue();
    }

    @Test
    void theStatementIsAnalysedOnlyWhenKindOrTableIsAskedAndThenOnce() {
        var asked = new AtomicInteger();
        var sql = "SELECT * FROM orders";
        assertThat(SqlMatch.matches(Map.of("sql", "orders"), sql, analysis(sql, asked)))
                .isTrue();
        assertThat(asked).hasValue(0);
        assertThat(SqlMatch.matches(Map.of("kind", "SELECT", "table", "orders"), sql, analysis(sql, asked)))
                .isTrue();
        assertThat(asked).hasValue(1);
    }
}
