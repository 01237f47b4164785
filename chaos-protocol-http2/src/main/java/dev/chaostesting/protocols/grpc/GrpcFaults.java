package dev.chaostesting.protocols.grpc;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.protocols.http2.internal.Frames;
import dev.chaostesting.protocols.http2.internal.Hpack;
import dev.chaostesting.protocols.http2.internal.InlineFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Protocol faults for gRPC and plain HTTP/2 streams ({@link #status}, {@link #httpStatus}, {@link #resetStream}, for
 * {@code Interceptor.inject}), and the HTTP/2 frames they answer with.
 *
 * <p>The faults are protocol faults {@code http2}: the interceptor runs connections in line, and a request stream that
 * matches never reaches the server; the client gets the answer on that stream, other streams of the connection are
 * unaffected. The interceptor must run in line ({@code Interceptor.protocolFaults()}) for connections opened before
 * the fault. See {@code docs/protocols/http2.md}.
 *
 * <p>HPACK state belongs to the connection: every header block a server sends may add to the dynamic table that the
 * client's decoder mirrors. A block injected by a third party must not change that table, or every later block of
 * the real server would decode wrongly. So every field here is a <em>literal header field without indexing</em> (RFC
 * 7541 section 6.2.2) with a literal name: it neither references nor adds to the dynamic table, and no dynamic table
 * size update is sent. No Huffman coding is used. The frames are valid whatever the connection's HPACK state is.
 */
public final class GrpcFaults {

    /** The smallest SETTINGS_MAX_FRAME_SIZE a peer may have: header blocks are split to fit it. */
    private static final int MAX_FRAME = Frames.DEFAULT_MAX_FRAME_SIZE;

    private GrpcFaults() {}

    /**
     * gRPC calls of the methods matching {@code rpc} (a glob on {@code service/method}, e.g. {@code
     * helloworld.Greeter/*} or {@code helloworld.Greeter/SayHello}) fail with this status and message, without reaching
     * the server.
     *
     * @param status a gRPC status name, e.g. {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code
     *     RESOURCE_EXHAUSTED}
     */
    public static Fault status(String rpc, String status, String message) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("match", Map.of("rpc", rpc));
        spec.put("grpcStatus", status.toUpperCase(Locale.ROOT));
        spec.put("message", message);
        return checked(spec).named("grpc_" + status.toUpperCase(Locale.ROOT));
    }

    /** Shorthand: {@link #status} {@code UNAVAILABLE}. */
    public static Fault unavailable(String rpc, String message) {
        return status(rpc, "UNAVAILABLE", message);
    }

    /**
     * Plain HTTP/2 requests with this {@code :method} (null: any) and a {@code :path} matching this glob (null: any)
     * get a response with this {@code :status} and no body, without reaching the server.
     */
    public static Fault httpStatus(
            @org.jspecify.annotations.Nullable String method,
            @org.jspecify.annotations.Nullable String path,
            int status) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("match", match(method, path));
        spec.put("status", status);
        return checked(spec).named("http2_" + status);
    }

    /**
     * Requests with this {@code :method} (null: any) and a {@code :path} matching this glob (null: any; for gRPC the
     * path is {@code /service/method}) are answered with RST_STREAM with this error code (e.g. {@code REFUSED_STREAM},
     * {@code CANCEL}), without reaching the server.
     */
    public static Fault resetStream(
            @org.jspecify.annotations.Nullable String method,
            @org.jspecify.annotations.Nullable String path,
            String errorCode) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("match", match(method, path));
        spec.put("rstStream", errorCode.toUpperCase(Locale.ROOT));
        return checked(spec).named("http2_" + errorCode.toUpperCase(Locale.ROOT));
    }

    private static Map<String, Object> match(String method, String path) {
        var match = new LinkedHashMap<String, Object>();
        if (method != null) {
            match.put("method", method);
        }
        if (path != null) {
            match.put("path", path);
        }
        return match;
    }

    private static Fault checked(Map<String, Object> spec) {
        InlineFault.parse(spec);
        return Faults.protocol("http2", spec);
    }

    /**
     * A complete gRPC error response for a stream whose response has not started: one HEADERS frame ("trailers-only")
     * with {@code :status 200}, {@code content-type: application/grpc}, {@code grpc-status} and {@code grpc-message},
     * ending the stream.
     *
     * @param status a gRPC status code, 1..16 for errors (e.g. 14, UNAVAILABLE)
     * @param message the status message (percent-encoded as gRPC requires)
     */
    public static byte[] errorResponse(int streamId, int status, String message) {
        checkStream(streamId);
        return headers(
                streamId,
                List.of(
                        Map.entry(":status", "200"),
                        Map.entry("content-type", "application/grpc"),
                        Map.entry("grpc-status", Integer.toString(status)),
                        Map.entry("grpc-message", percentEncode(message))));
    }

    /**
     * Trailers that end a stream whose response headers (and perhaps messages) were already sent: {@code grpc-status}
     * and {@code grpc-message} in a HEADERS frame with END_STREAM.
     */
    public static byte[] trailers(int streamId, int status, String message) {
        checkStream(streamId);
        return headers(
                streamId,
                List.of(
                        Map.entry("grpc-status", Integer.toString(status)),
                        Map.entry("grpc-message", percentEncode(message))));
    }

    /** An RST_STREAM frame, e.g. with error code 0x8 (CANCEL) or 0x2 (INTERNAL_ERROR). */
    public static byte[] rstStream(int streamId, long errorCode) {
        checkStream(streamId);
        var frame = new byte[13];
        Frames.header(frame, 0, 4, Frames.RST_STREAM, 0, streamId);
        frame[9] = (byte) (errorCode >>> 24);
        frame[10] = (byte) (errorCode >>> 16);
        frame[11] = (byte) (errorCode >>> 8);
        frame[12] = (byte) errorCode;
        return frame;
    }

    /**
     * A header block of literal fields without indexing, split into HEADERS and CONTINUATION frames of at most 16384
     * bytes, with END_STREAM.
     */
    public static byte[] headers(int streamId, List<Map.Entry<String, String>> fields) {
        checkStream(streamId);
        var block = headerBlock(fields);
        var out = new ByteArrayOutputStream();
        int offset = 0;
        boolean first = true;
        do {
            int n = Math.min(MAX_FRAME, block.length - offset);
            boolean last = offset + n == block.length;
            int type = first ? Frames.HEADERS : Frames.CONTINUATION;
            int flags = (first ? Frames.FLAG_END_STREAM : 0) | (last ? Frames.FLAG_END_HEADERS : 0);
            var header = new byte[9];
            Frames.header(header, 0, n, type, flags, streamId);
            out.writeBytes(header);
            out.write(block, offset, n);
            offset += n;
            first = false;
        } while (offset < block.length);
        return out.toByteArray();
    }

    /** The HPACK encoding of these fields as literals without indexing, names lower-cased. */
    public static byte[] headerBlock(List<Map.Entry<String, String>> fields) {
        var out = new ByteArrayOutputStream();
        for (var field : fields) {
            out.write(0x00); // literal header field without indexing, new name
            string(out, field.getKey().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            string(out, field.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** gRPC's percent-encoding of {@code grpc-message}: UTF-8, bytes outside printable ASCII and '%' as %XX. */
    public static String percentEncode(String message) {
        var sb = new StringBuilder();
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static void string(ByteArrayOutputStream out, byte[] bytes) {
        Hpack.writeInteger(out, 0x00, 7, bytes.length); // H = 0: no Huffman coding
        out.writeBytes(bytes);
    }

    private static void checkStream(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("streamId: " + streamId + " (expected: > 0)");
        }
    }
}
