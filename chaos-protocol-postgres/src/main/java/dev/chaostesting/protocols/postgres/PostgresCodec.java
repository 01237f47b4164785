package dev.chaostesting.protocols.postgres;

import dev.chaostesting.protocols.postgres.internal.PostgresDecoder;
import dev.chaostesting.protocols.postgres.internal.PostgresInline;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/**
 * PostgreSQL's frontend/backend protocol, version 3 ({@code postgresql}). Recognised by the client's first packet: a
 * StartupMessage for protocol 3.x, an SSLRequest, a GSSENCRequest or a CancelRequest. Records the startup and
 * authentication (passwords and SASL data never stored), one interaction per simple query and per extended-query
 * Execute (SQL, decoded parameters, columns, row counts and first rows, command tag, error, transaction status), COPY,
 * notifications, cancel requests and termination. An encryption request the server accepts turns the rest of the
 * connection into raw TLS turns. See {@code docs/protocols/postgresql.md}.
 */
public final class PostgresCodec implements ProtocolCodec, InlineCodec {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int MAX_STARTUP_LENGTH = 10_000;

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public Set<Integer> portHints() {
        return Set.of(5432);
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        if (side != Side.CLIENT) {
            return Detection.NO_MATCH;
        }
        var b = firstBytes.duplicate();
        int n = b.remaining();
        int at = b.position();
        // Every first packet is shorter than 10000 bytes: its length starts with two zero bytes.
        for (int i = 0; i < Math.min(n, 2); i++) {
            if (b.get(at + i) != 0) {
                return Detection.NO_MATCH;
            }
        }
        if (n >= 4) {
            int length = b.getInt(at);
            if (length < 8 || length > MAX_STARTUP_LENGTH) {
                return Detection.NO_MATCH;
            }
        }
        if (n < 8) {
            return Detection.NEED_MORE;
        }
        int length = b.getInt(at);
        int code = b.getInt(at + 4);
        if ((code == SSL_REQUEST || code == GSSENC_REQUEST) && length == 8) {
            return Detection.MATCH;
        }
        if (code == CANCEL_REQUEST && length >= 16 && length <= 8 + 256) {
            return Detection.MATCH;
        }
        if (code >>> 16 == 3 && length > 8) {
            return Detection.MATCH;
        }
        return Detection.NO_MATCH;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new PostgresDecoder(context);
    }

    /** In line: statements matching a protocol fault are answered with an error instead of reaching the server. */
    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new PostgresInline(context);
    }

    /**
     * A PostgreSQL fault: {@code {"match": {"kind": "UPDATE", "table": "orders", "sql": "regex"}, "error": {"code":
     * "40001", "message": "...", "severity": "ERROR" | "FATAL"}}}; every part optional (no match: every statement; no
     * error: 40001).
     */
    @Override
    public void checkFault(Map<String, Object> spec) {
        for (var key : spec.keySet()) {
            if (!key.equals("match") && !key.equals("error")) {
                throw new IllegalArgumentException(
                        "postgresql fault: unknown field '" + key + "' (expected: match, error)");
            }
        }
        if (spec.containsKey("match")
                && !(spec.get("match") instanceof Map<?, ?> match
                        && match.keySet().stream()
                                .allMatch(k -> Set.of("kind", "table", "sql").contains(k)))) {
            throw new IllegalArgumentException(
                    "postgresql fault: match (expected a map of kind, table and sql, e.g. {kind: UPDATE})");
        }
        if (spec.get("error") instanceof Map<?, ?> error) {
            var code = error.get("code");
            if (code != null && !String.valueOf(code).matches("[0-9A-Z]{5}")) {
                throw new IllegalArgumentException(
                        "postgresql fault: error code '" + code + "' (expected a SQLSTATE: five digits or letters)");
            }
            var severity = error.get("severity");
            if (severity != null
                    && !Set.of("ERROR", "FATAL")
                            .contains(String.valueOf(severity).toUpperCase())) {
                throw new IllegalArgumentException(
                        "postgresql fault: severity '" + severity + "' (expected: ERROR or FATAL)");
            }
        } else if (spec.containsKey("error")) {
            throw new IllegalArgumentException("postgresql fault: error (expected a map, e.g. {code: 40001})");
        }
    }
}
