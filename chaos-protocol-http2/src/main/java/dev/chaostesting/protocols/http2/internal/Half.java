package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One direction of one stream: its header blocks, its body (or gRPC messages) and its end. */
final class Half {

    /** Pseudo-header fields of the (final) header block, by name. */
    final Map<String, String> pseudo = new LinkedHashMap<>();

    @Nullable
    Headers headers;

    Headers trailers = Headers.empty();
    final List<Integer> interim = new ArrayList<>();
    boolean ended;
    long firstAt = -1;
    long lastAt;
    long wireBytes;

    @Nullable
    Capture body;

    @Nullable
    String contentEncoding;

    @Nullable
    GrpcMessages grpc;

    void seen(long atMicros, long bytes) {
        if (firstAt < 0) {
            firstAt = atMicros;
        }
        lastAt = Math.max(lastAt, atMicros);
        wireBytes += bytes;
    }

    void data(ByteBuffer chunk) {
        if (grpc != null) {
            grpc.append(chunk);
        } else if (body != null) {
            body.append(chunk);
        }
    }

    /** The body as recorded: decoded when it travelled gzip or deflate encoded. */
    BodyResult body(int maxBodyBytes, boolean cutShort) {
        var capture = body;
        if (capture == null || capture.size() == 0) {
            return new BodyResult(Body.empty(), null);
        }
        var bytes = capture.bytes();
        var asSent = new Body(bytes, capture.size(), capture.truncated() || cutShort, null);
        var encoding = contentEncoding;
        if (encoding == null || !Decompression.supports(encoding)) {
            return new BodyResult(asSent, null);
        }
        var result = Decompression.decode(encoding, bytes, !capture.truncated() && !cutShort, maxBodyBytes);
        var decoded = result.body();
        if (decoded == null) {
            return new BodyResult(asSent, result.error());
        }
        return new BodyResult(decoded, null);
    }

    void release() {
        if (body != null) {
            body.release();
        }
        if (grpc != null) {
            grpc.release();
        }
    }

    record BodyResult(Body body, @Nullable String decodeError) {}
}
