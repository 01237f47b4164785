package dev.chaostesting.protocols.postgres.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Bind message: the portal, its statement, and the parameter values as sent. Values are decoded when the interaction
 * is recorded, when the statement's parameter types are best known (a ParameterDescription may come after the Bind).
 */
final class Bind {

    final String portal;
    final String statementName;
    final @Nullable Statement statement;
    final int[] formats;
    final List<byte @Nullable []> values;
    final List<Boolean> cut;
    /** Parameters declared by the message; more than {@code values.size()} when the message was cut. */
    final int count;

    final int @Nullable [] resultFormats;

    private Bind(
            String portal,
            String statementName,
            @Nullable Statement statement,
            int[] formats,
            List<byte @Nullable []> values,
            List<Boolean> cut,
            int count,
            int @Nullable [] resultFormats) {
        this.portal = portal;
        this.statementName = statementName;
        this.statement = statement;
        this.formats = formats;
        this.values = values;
        this.cut = cut;
        this.count = count;
        this.resultFormats = resultFormats;
    }

    /** Reads a Bind; a cut message (longer than what is kept) gives the values that arrived. */
    static Bind read(Frame frame, java.util.function.Function<String, @Nullable Statement> statements, int valueLimit)
            throws MalformedMessageException {
        var p = frame.read();
        var portal = p.cstring("portal name");
        var statementName = p.cstring("statement name");
        int nf = p.count16("parameter format count", 2);
        var formats = new int[nf];
        for (int i = 0; i < nf; i++) {
            formats[i] = p.int16("parameter format");
        }
        int n = p.count16("parameter count", 4);
        if (nf > 1 && nf != n) {
            throw p.malformed("parameter format count", String.valueOf(nf), "0, 1 or the parameter count " + n);
        }
        var values = new ArrayList<byte @Nullable []>();
        var cut = new ArrayList<Boolean>();
        int[] resultFormats = null;
        try {
            for (int i = 0; i < n; i++) {
                int length = p.int32("parameter length");
                if (length == -1) {
                    values.add(null);
                    cut.add(false);
                    continue;
                }
                if (length < -1) {
                    throw p.malformed("parameter length", String.valueOf(length), ">= -1");
                }
                var bytes = p.bytesUpTo(Math.min(length, valueLimit));
                values.add(bytes);
                cut.add(bytes.length < length);
                if (bytes.length < length) {
                    if (p.cut()) {
                        break;
                    }
                    p.skip(length - bytes.length, "parameter value");
                }
            }
            if (values.size() == n) {
                int nr = p.count16("result format count", 2);
                resultFormats = new int[nr];
                for (int i = 0; i < nr; i++) {
                    resultFormats[i] = p.int16("result format");
                }
                p.end();
            }
        } catch (MalformedMessageException e) {
            if (frame.whole()) {
                throw e;
            }
        }
        return new Bind(portal, statementName, statements.apply(statementName), formats, values, cut, n, resultFormats);
    }

    int format(int i) {
        return formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[i];
    }

    List<@Nullable Object> decoded() {
        var out = new ArrayList<@Nullable Object>(values.size());
        for (int i = 0; i < values.size(); i++) {
            int oid = statement == null ? 0 : statement.type(i);
            out.add(PgTypes.parameter(oid, format(i), values.get(i), cut.get(i)));
        }
        return out;
    }

    List<String> types() {
        var out = new ArrayList<String>(count);
        for (int i = 0; i < count; i++) {
            out.add(PgTypes.name(statement == null ? 0 : statement.type(i)));
        }
        return out;
    }

    boolean anyCut() {
        return values.size() < count || cut.contains(Boolean.TRUE);
    }
}
