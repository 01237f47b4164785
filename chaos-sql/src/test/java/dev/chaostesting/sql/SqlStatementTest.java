package dev.chaostesting.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SqlStatementTest {

    @Test
    void selectWithJoinReadsBothTables() {
        var s = SqlStatement.analyze(
                "SELECT b.id, a.name FROM books b JOIN authors a ON a.id = b.author_id WHERE b.id = $1");
        assertThat(s.kind()).isEqualTo("SELECT");
        assertThat(s.tablesRead()).containsExactly("books", "authors");
        assertThat(s.tablesWritten()).isEmpty();
        assertThat(s.parsed()).isTrue();
        assertThat(s.shape())
                .isEqualTo("SELECT b.id, a.name FROM books b JOIN authors a ON a.id = b.author_id WHERE b.id = ?");
    }

    @Test
    void insertFromSelectWritesTargetAndReadsSource() {
        var s = SqlStatement.analyze("INSERT INTO archive (id, title) SELECT id, title FROM books WHERE year < 1900");
        assertThat(s.kind()).isEqualTo("INSERT");
        assertThat(s.tablesWritten()).containsExactly("archive");
        assertThat(s.tablesRead()).containsExactly("books");
    }

    @Test
    void postgresUpsertWithReturning() {
        var s = SqlStatement.analyze("INSERT INTO users (name, email) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE"
                + " SET name = EXCLUDED.name RETURNING id, created_at");
        assertThat(s.kind()).isEqualTo("INSERT");
        assertThat(s.tablesWritten()).containsExactly("users");
        assertThat(s.parsed()).isTrue();
    }

    @Test
    void updateAndDeleteWriteTheirTarget() {
        var u = SqlStatement.analyze(
                "UPDATE public.orders SET status = 'paid' WHERE id IN (SELECT order_id FROM payments)");
        assertThat(u.kind()).isEqualTo("UPDATE");
        assertThat(u.tablesWritten()).containsExactly("public.orders");
        assertThat(u.tablesRead()).containsExactly("payments");
        var d = SqlStatement.analyze("DELETE FROM sessions WHERE expires_at < now()");
        assertThat(d.kind()).isEqualTo("DELETE");
        assertThat(d.tablesWritten()).containsExactly("sessions");
        assertThat(d.tablesRead()).isEmpty();
    }

    @Test
    void withStatementHasItsMainKindAndNoCteTables() {
        var s = SqlStatement.analyze("WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day')"
                + " UPDATE stock SET reserved = reserved + 1 FROM recent WHERE stock.item_id = recent.item_id");
        assertThat(s.kind()).isEqualTo("UPDATE");
        assertThat(s.tablesWritten()).containsExactly("stock");
        assertThat(s.tablesRead()).containsExactly("orders");
    }

    @Test
    void statementsJsqlparserCannotParseAreClassifiedByKeywords() {
        assertThat(SqlStatement.analyze("BEGIN").kind()).isEqualTo("BEGIN");
        assertThat(SqlStatement.analyze("begin isolation level serializable").kind())
                .isEqualTo("BEGIN");
        assertThat(SqlStatement.analyze("START TRANSACTION READ ONLY").kind()).isEqualTo("BEGIN");
        assertThat(SqlStatement.analyze("commit").kind()).isEqualTo("COMMIT");
        var set = SqlStatement.analyze("SET search_path TO public");
        assertThat(set.kind()).isEqualTo("SET");
        assertThat(set.parsed()).isFalse();
        assertThat(set.tablesRead()).isEmpty();
        var copy = SqlStatement.analyze("COPY books (id, title) FROM STDIN WITH (FORMAT csv)");
        assertThat(copy.kind()).isEqualTo("COPY");
        assertThat(copy.tablesWritten()).containsExactly("books");
        var copyOut = SqlStatement.analyze("COPY books TO STDOUT");
        assertThat(copyOut.tablesRead()).containsExactly("books");
        assertThat(SqlStatement.analyze("LISTEN orders_changed").kind()).isEqualTo("LISTEN");
    }

    @Test
    void unparseableDmlStillYieldsTablesByKeywords() {
        var s = SqlStatement.analyze(
                "SELECT * FROM ONLY inventory i JOIN \"Warehouse\" w USING (wid) WHERE i.q @@@ 3 ~~~");
        assertThat(s.kind()).isEqualTo("SELECT");
        assertThat(s.parsed()).isFalse();
        assertThat(s.tablesRead()).containsExactly("inventory", "Warehouse");
    }

    @Test
    void shapeReplacesEveryKindOfLiteral() {
        var s = SqlStatement.analyze("select * from t where a = 'it''s' and b = E'\\n' and c = 1.5e3 and d = $$x$$"
                + " and e = $tag$ y $tag$ and f = ? and g = X'ff' and h = -- comment\n 42 /* c /* nested */ */ ;");
        assertThat(s.shape())
                .isEqualTo("select * from t where a = ? and b = ? and c = ? and d = ? and e = ? and f = ? and g = ?"
                        + " and h = ?");
    }

    @Test
    void shapeCollapsesInListsAndMultiRowValues() {
        var a = SqlStatement.analyze("SELECT * FROM t WHERE id IN (1, 2, 3)");
        var b = SqlStatement.analyze("SELECT * FROM t WHERE id IN (7)");
        assertThat(a.shape()).isEqualTo(b.shape()).isEqualTo("SELECT * FROM t WHERE id IN (?)");
        var v = SqlStatement.analyze("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z') RETURNING id");
        assertThat(v.shape())
                .isEqualTo("INSERT INTO t (a, b) VALUES (1, 'x') RETURNING id"
                        .replace("1", "?")
                        .replace("'x'", "?"));
        var sub = SqlStatement.analyze("SELECT * FROM t WHERE id IN (SELECT x FROM u)");
        assertThat(sub.shape()).isEqualTo("SELECT * FROM t WHERE id IN (SELECT x FROM u)");
    }

    @Test
    void quotedNamesStayAndAreUnquotedAsTables() {
        var s = SqlStatement.analyze("SELECT \"Title\" FROM \"Books\" WHERE `x` = 1");
        assertThat(s.shape()).contains("\"Title\"").contains("\"Books\"");
        assertThat(s.tablesRead()).containsExactly("Books");
    }

    @Test
    void equalShapesShareTheirAnalysis() {
        var a = SqlStatement.analyze("SELECT name FROM users WHERE id = 1");
        var b = SqlStatement.analyze("SELECT name FROM users WHERE id = 2");
        assertThat(a).isEqualTo(b);
    }

    @Test
    void toFieldsNamesEveryPart() {
        var f = SqlStatement.analyze("DELETE FROM t WHERE id = 1").toFields();
        assertThat(f).containsOnlyKeys("kind", "tablesRead", "tablesWritten", "shape", "parsed");
    }

    @Test
    void neverThrowsOnGarbage() {
        var random = new Random(42);
        var alphabet = "SELECT FROM WHERE INSERT INTO ( ) ' \" ` $ $$ -- /* */ ; , ? 1 a b \n\\ e'x";
        for (int i = 0; i < 3000; i++) {
            var sb = new StringBuilder();
            int n = random.nextInt(60);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            var s = SqlStatement.analyze(sb.toString());
            assertThat(s.kind()).isNotBlank();
        }
        assertThat(SqlStatement.analyze("").kind()).isEqualTo("OTHER");
        assertThat(SqlStatement.analyze("'unterminated").shape()).isEqualTo("?");
        assertThat(SqlStatement.analyze("SELECT ".repeat(10_000)).kind()).isEqualTo("SELECT");
    }

    @Test
    void fieldsOfAStatementAreItsAnalysisSharedOnceSeen() {
        var sql = "SELECT abalance FROM pgbench_accounts WHERE aid = 4711";
        var fields = SqlStatement.fieldsOf(sql);
        assertThat(fields).isEqualTo(SqlStatement.analyze(sql).toFields());
        assertThat(SqlStatement.fieldsOf(new String(sql))).isSameAs(fields);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fields.put("kind", "DELETE"))
                .isInstanceOf(UnsupportedOperationException.class);
        var longSql = "SELECT 1 FROM t WHERE x IN (" + "1, ".repeat(5000) + "2)";
        assertThat(SqlStatement.fieldsOf(longSql))
                .isEqualTo(SqlStatement.analyze(longSql).toFields());
    }
}
