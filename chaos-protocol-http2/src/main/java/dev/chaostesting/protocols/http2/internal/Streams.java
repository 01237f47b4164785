package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The open streams of one connection: what each side's header blocks and DATA mean for them, when they complete, and
 * their emission as interactions, in completion order.
 */
final class Streams {

    /** Streams open at once; more means something is wrong (servers allow about 100). */
    static final int MAX_OPEN_STREAMS = 1000;

    private final DecoderContext context;
    private final GrpcSchemas schemas;
    private final int maxBodyBytes;
    private final Budget budget;
    private final Map<Integer, H2Stream> streams = new LinkedHashMap<>();
    private int highestClientStream;
    private int highestServerStream;

    Streams(DecoderContext context, GrpcSchemas schemas) {
        this.context = context;
        this.schemas = schemas;
        this.maxBodyBytes = context.maxBodyBytes();
        this.budget = new Budget(Math.max(64L << 20, 4L * maxBodyBytes));
    }

    /** Stream 1 of a connection upgraded from HTTP/1.1: the upgrade request, already complete. */
    void upgraded(HttpRequest upgraded, long requestStartedAt, long requestEndedAt, long requestBytes) {
        var stream = new H2Stream(1);
        var half = stream.request;
        half.pseudo.put(":method", upgraded.method());
        half.pseudo.put(":path", upgraded.target());
        upgraded.headers().first("Host").ifPresent(host -> half.pseudo.put(":authority", host));
        half.headers = upgraded.headers();
        openRequest(stream);
        half.data(upgraded.body().buffer());
        half.ended = true;
        half.firstAt = requestStartedAt;
        half.lastAt = requestEndedAt;
        half.wireBytes = requestBytes;
        streams.put(1, stream);
        highestClientStream = 1;
    }

    /** A decoded header block of a stream (not a PUSH_PROMISE) that {@code side} sent. */
    void headers(Side side, int id, Http2Headers decoded, boolean endStream, long wire, long startedAt, long at)
            throws Http2ProtocolException {
        var stream = side == Side.CLIENT ? clientStream(id) : streams.get(id);
        if (stream == null) {
            return; // a stream already emitted (after a reset): its headers only kept the HPACK state in step
        }
        var half = stream.half(side);
        // A block is counted in its stream only once it is accepted: a refused one is handed back to the raw
        // recording by the fail-open, and must not be counted twice.
        if (half.headers == null) {
            var pseudo = new LinkedHashMap<String, String>();
            var headers = HeaderText.split(decoded, pseudo);
            if (side == Side.CLIENT) {
                seen(half, wire, startedAt, at);
                half.pseudo.putAll(pseudo);
                half.headers = headers;
                openRequest(stream);
            } else {
                int status = status(pseudo.get(":status"), id);
                if (status < 200) {
                    if (endStream) {
                        throw new Http2ProtocolException("HEADERS with status " + status + " and END_STREAM on stream "
                                + id + " (expected: a final status to end the stream)");
                    }
                    seen(half, wire, startedAt, at);
                    half.interim.add(status);
                    return;
                }
                seen(half, wire, startedAt, at);
                half.pseudo.putAll(pseudo);
                half.headers = headers;
                openResponse(stream);
            }
        } else {
            if (!endStream) {
                throw new Http2ProtocolException("trailers of stream " + id + " without END_STREAM (expected: a"
                        + " second header block to end the stream)");
            }
            seen(half, wire, startedAt, at);
            half.trailers = HeaderText.split(decoded, new LinkedHashMap<>());
        }
        if (endStream) {
            half.ended = true;
            emitIfComplete(stream, at);
        }
    }

    private static void seen(Half half, long wire, long startedAt, long at) {
        half.seen(startedAt, wire);
        half.lastAt = Math.max(half.lastAt, at);
    }

    void pushPromise(int parent, int promised, Http2Headers decoded, long wire, long startedAt, long at)
            throws Http2ProtocolException {
        if (promised == 0 || promised % 2 != 0 || promised <= highestServerStream) {
            throw new Http2ProtocolException("PUSH_PROMISE promised stream: " + promised
                    + " (expected: a new even stream id above " + highestServerStream + ")");
        }
        highestServerStream = promised;
        checkOpenStreams();
        var stream = new H2Stream(promised);
        stream.promisedBy = parent;
        var half = stream.request;
        half.headers = HeaderText.split(decoded, half.pseudo);
        half.seen(startedAt, wire);
        half.lastAt = at;
        half.ended = true;
        streams.put(promised, stream);
        openRequest(stream);
    }

    private H2Stream clientStream(int id) throws Http2ProtocolException {
        var stream = streams.get(id);
        if (stream != null || id <= highestClientStream) {
            return stream;
        }
        if (id % 2 == 0) {
            throw new Http2ProtocolException("HEADERS from the client on stream " + id + " (expected: an odd id)");
        }
        highestClientStream = id;
        checkOpenStreams();
        stream = new H2Stream(id);
        streams.put(id, stream);
        return stream;
    }

    private void checkOpenStreams() throws Http2ProtocolException {
        if (streams.size() >= MAX_OPEN_STREAMS) {
            throw new Http2ProtocolException(
                    "open streams: " + (streams.size() + 1) + " (expected: <= " + MAX_OPEN_STREAMS + ")");
        }
    }

    /** The request's headers are known: decide between gRPC and plain HTTP and prepare the body. */
    private void openRequest(H2Stream stream) {
        var request = stream.request;
        var headers = Objects.requireNonNull(request.headers);
        var contentType = headers.first("content-type").orElse("").toLowerCase(Locale.ROOT);
        stream.grpc = contentType.startsWith("application/grpc");
        if (stream.grpc) {
            var path = request.pseudo.getOrDefault(":path", "");
            int slash = path.lastIndexOf('/');
            stream.service = slash > 0 ? path.substring(1, slash) : "";
            stream.method = slash >= 0 ? path.substring(slash + 1) : path;
            request.grpc = new GrpcMessages(
                    maxBodyBytes,
                    budget,
                    headers.first("grpc-encoding").orElse(null),
                    schemas.requestType(stream.service, stream.method));
        } else {
            request.body = new Capture(maxBodyBytes, budget);
            request.contentEncoding = headers.first("content-encoding").orElse(null);
        }
    }

    private void openResponse(H2Stream stream) {
        var response = stream.response;
        var headers = response.headers;
        if (headers == null) {
            return;
        }
        if (stream.grpc) {
            response.grpc = new GrpcMessages(
                    maxBodyBytes,
                    budget,
                    headers.first("grpc-encoding").orElse(null),
                    schemas.responseType(
                            Objects.requireNonNullElse(stream.service, ""),
                            Objects.requireNonNullElse(stream.method, "")));
        } else {
            response.body = new Capture(maxBodyBytes, budget);
            response.contentEncoding = headers.first("content-encoding").orElse(null);
        }
    }

    void goAway(Side side, int lastStream, long code, long at) {
        // Streams the sender never processed: opened by the other side above the last stream id it names.
        for (var stream : new ArrayList<>(streams.values())) {
            boolean openedByOther = (stream.id % 2 == 1) == (side == Side.SERVER);
            if (openedByOther && stream.id > lastStream) {
                stream.error = "refused by GOAWAY from the " + (side == Side.CLIENT ? "client" : "server")
                        + " (last stream " + lastStream + "): " + Frames.errorName(code);
                emit(stream, at);
            }
        }
    }

    private void emitIfComplete(H2Stream stream, long at) {
        if (stream.complete()) {
            emit(stream, at);
        }
    }

    void emit(H2Stream stream, long at) {
        streams.remove(stream.id);
        try {
            context.emit(Interactions.build(context, stream, at));
        } finally {
            stream.request.release();
            stream.response.release();
        }
    }

    private static int status(String value, int id) throws Http2ProtocolException {
        try {
            int status = value == null ? -1 : Integer.parseInt(value);
            if (status >= 100 && status <= 999) {
                return status;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Http2ProtocolException(
                "response :status of stream " + id + ": " + value + " (expected: a three-digit status)");
    }

    void data(Side side, int id, ByteBuffer chunk) {
        var stream = streams.get(id);
        if (stream != null) {
            stream.half(side).data(chunk);
        }
    }

    void dataEnd(Side side, int id, boolean endStream, long wire, long startedAt, long at)
            throws Http2ProtocolException {
        var stream = streams.get(id);
        if (stream == null) {
            return;
        }
        var half = stream.half(side);
        half.seen(startedAt, wire);
        half.lastAt = Math.max(half.lastAt, at);
        if (endStream) {
            if (half.headers == null) {
                throw new Http2ProtocolException(
                        "DATA ending stream " + id + " before its headers (expected: HEADERS first)");
            }
            half.ended = true;
            emitIfComplete(stream, at);
        }
    }

    void reset(Side side, int id, long code, long wire, long startedAt, long at) {
        var stream = streams.get(id);
        if (stream != null) {
            stream.half(side).seen(startedAt, wire);
            stream.half(side).lastAt = at;
            stream.error = "stream reset by the " + (side == Side.CLIENT ? "client" : "server") + ": "
                    + Frames.errorName(code);
            emit(stream, at);
        }
    }

    /** The connection's directions ended: streams still waiting for an ended side are emitted with {@code why}. */
    void ended(boolean clientEnded, boolean serverEnded, String why, long at) {
        for (var stream : new ArrayList<>(streams.values())) {
            if ((clientEnded && !stream.request.ended) || (serverEnded && !stream.response.ended)) {
                stream.error = why;
                emit(stream, at);
            }
        }
    }

    /** Decoding stops: every open stream is emitted with what was decoded of it. */
    void abandon(String reason, long at) {
        for (var stream : new ArrayList<>(streams.values())) {
            stream.error = "stream not fully decoded: " + reason;
            emit(stream, at);
        }
    }
}
