package dev.chaostesting.protocols.http2.internal;

import com.google.protobuf.Descriptors.Descriptor;
import dev.chaostesting.model.Body;
import dev.chaostesting.protocols.grpc.internal.ProtobufTree;
import dev.chaostesting.protocols.grpc.internal.SchemaTree;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Splits one direction of a gRPC stream into its length-prefixed messages (1 byte compressed flag, 4 bytes length,
 * payload), fed DATA payload in fragments of any size, and decodes each: decompressed when flagged and the
 * grpc-encoding is gzip or deflate, then as protobuf with the method's schema when known, else as a field tree.
 */
final class GrpcMessages {

    /** Messages recorded per direction of a stream; later ones are only counted. */
    static final int MAX_MESSAGES = 1000;

    private final int maxBytes;
    private final Budget budget;
    private final @Nullable String encoding;
    private final @Nullable Descriptor type;
    private final List<Map<String, @Nullable Object>> messages = new ArrayList<>();
    private final byte[] prefix = new byte[5];
    private int prefixFill;
    private long length = -1;
    private long received;
    private @Nullable Capture payload;
    /** Payload bytes of recorded messages so far: past maxBytes, messages are recorded by size only. */
    private long recordedBytes;

    private int notRecorded;
    /** Budget held by the recorded payloads until the stream is emitted. */
    private long reserved;

    GrpcMessages(int maxBytes, Budget budget, @Nullable String encoding, @Nullable Descriptor type) {
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.encoding = encoding;
        this.type = type;
    }

    void append(ByteBuffer data) {
        var in = data.duplicate();
        while (in.hasRemaining()) {
            if (length < 0) {
                int n = Math.min(5 - prefixFill, in.remaining());
                in.get(prefix, prefixFill, n);
                prefixFill += n;
                if (prefixFill < 5) {
                    return;
                }
                length = ((long) (prefix[1] & 0xff) << 24)
                        | ((prefix[2] & 0xff) << 16)
                        | ((prefix[3] & 0xff) << 8)
                        | (prefix[4] & 0xff);
                received = 0;
                payload = new Capture((int) Math.max(0, Math.min(length, maxBytes - recordedBytes)), budget);
            }
            int n = (int) Math.min(length - received, in.remaining());
            var capture = payload;
            if (capture != null) {
                capture.append(in.slice(in.position(), n));
            }
            in.position(in.position() + n);
            received += n;
            if (received == length) {
                complete();
            }
        }
    }

    /** Whether the direction ended between messages. */
    boolean atBoundary() {
        return length < 0 && prefixFill == 0;
    }

    /** Why the direction did not end between messages, or null. */
    @Nullable
    String incomplete() {
        if (atBoundary()) {
            return null;
        }
        if (length < 0) {
            return "stream ended in a message prefix after " + prefixFill + " of 5 bytes";
        }
        var capture = payload;
        if (capture != null) {
            record(entry(capture, true));
            payload = null;
        }
        return "stream ended in a message after " + received + " of " + length + " bytes";
    }

    /** Gives the budget held by recorded messages back, once they were emitted. */
    void release() {
        var capture = payload;
        if (capture != null) {
            capture.release();
            payload = null;
        }
        budget.release(reserved);
        reserved = 0;
    }

    List<Map<String, @Nullable Object>> messages() {
        return messages;
    }

    int notRecorded() {
        return notRecorded;
    }

    private void complete() {
        var capture = payload;
        payload = null;
        if (capture != null) {
            record(entry(capture, false));
        }
        prefixFill = 0;
        length = -1;
    }

    private Map<String, @Nullable Object> entry(Capture capture, boolean cutShort) {
        boolean compressed = (prefix[0] & 1) != 0;
        var m = new LinkedHashMap<String, @Nullable Object>();
        m.put("size", length);
        if (compressed) {
            m.put("compressed", true);
        }
        var bytes = capture.bytes();
        recordedBytes += bytes.length;
        reserved += bytes.length;
        if (capture.truncated() || cutShort) {
            if (bytes.length == 0 && length > 0) {
                m.put("omitted", true);
            } else {
                m.put("data", new Body(bytes, cutShort ? Math.max(received, bytes.length + 1L) : length, true, null));
            }
            return m;
        }
        if (compressed) {
            if (encoding == null || !Decompression.supports(encoding)) {
                m.put("data", Body.of(bytes));
                m.put("decodeError", "grpc-encoding: " + encoding + " (expected: gzip or deflate)");
                return m;
            }
            var result = Decompression.decode(encoding, bytes, true, maxBytes);
            var body = result.body();
            if (body == null || body.truncated()) {
                m.put("data", body == null ? Body.of(bytes) : body);
                if (result.error() != null) {
                    m.put("decodeError", result.error());
                }
                return m;
            }
            bytes = body.bytes();
            m.put("decodedSize", bytes.length);
        }
        decode(bytes, m);
        return m;
    }

    private void decode(byte[] bytes, Map<String, @Nullable Object> m) {
        var schema = type;
        if (schema != null) {
            var value = SchemaTree.decode(schema, bytes);
            if (value != null) {
                m.put("type", schema.getFullName());
                m.put("value", value);
                return;
            }
            m.put("decodeError", "does not parse as " + schema.getFullName());
        }
        var fields = ProtobufTree.decode(bytes);
        if (fields != null) {
            m.put("fields", fields);
        } else {
            m.put("data", Body.of(bytes));
            m.putIfAbsent("decodeError", "not a protobuf message");
        }
    }

    private void record(Map<String, @Nullable Object> entry) {
        if (messages.size() < MAX_MESSAGES) {
            messages.add(entry);
        } else {
            notRecorded++;
        }
    }
}
