package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decodes one HTTP/2 connection, both directions: frames, HPACK state per direction (Netty's decoder), settings, and
 * one interaction per stream, emitted when the stream completes. Anything that is not HTTP/2 ends decoding through
 * {@link DecoderContext#failOpen}, after the open streams are emitted with what was decoded of them.
 */
public final class Http2Decoder implements StreamDecoder {

    /** Bytes of one header block, CONTINUATION frames included, and of its decoded header list. */
    static final int MAX_HEADER_BLOCK = 1 << 20;

    private final DecoderContext context;
    private final FrameReader clientFrames;
    private final FrameReader serverFrames;
    private final DefaultHttp2HeadersDecoder clientHpack = new DefaultHttp2HeadersDecoder(false, MAX_HEADER_BLOCK);
    private final DefaultHttp2HeadersDecoder serverHpack = new DefaultHttp2HeadersDecoder(false, MAX_HEADER_BLOCK);
    private final Settings settings;
    private final HeaderBlock clientBlock = new HeaderBlock();
    private final HeaderBlock serverBlock = new HeaderBlock();
    private final Streams streams;
    private boolean done;
    private boolean clientEnded;
    private boolean serverEnded;

    /** A decoder for a connection that starts with the client preface (h2c with prior knowledge). */
    public Http2Decoder(DecoderContext context, GrpcSchemas schemas) {
        this.context = context;
        this.streams = new Streams(context, schemas);
        this.clientFrames = new FrameReader(true);
        this.serverFrames = new FrameReader(false);
        this.settings = new Settings(clientFrames, serverFrames, clientHpack, serverHpack);
    }

    /**
     * A decoder for a connection upgraded from HTTP/1.1 ({@code Upgrade: h2c}): the client's next bytes are the
     * preface, the server's start with its SETTINGS, and stream 1 is the upgraded request, already complete.
     *
     * @param http2Settings the request's {@code HTTP2-Settings} value (base64url SETTINGS payload), or empty
     */
    public Http2Decoder(
            DecoderContext context,
            GrpcSchemas schemas,
            HttpRequest upgraded,
            long requestStartedAt,
            long requestEndedAt,
            long requestBytes,
            String http2Settings)
            throws IllegalArgumentException {
        this(context, schemas);
        settings.applyUpgradeSettings(http2Settings);
        streams.upgraded(upgraded, requestStartedAt, requestEndedAt, requestBytes);
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        if (done) {
            return;
        }
        var frames = side == Side.CLIENT ? clientFrames : serverFrames;
        try {
            while (!done) {
                switch (frames.read(data, atMicros)) {
                    case NEED_MORE -> {
                        return;
                    }
                    case PREFACE -> {}
                    case FRAME -> frame(side, frames, atMicros);
                    case DATA -> data(side, frames);
                    case DATA_END -> dataEnd(side, frames, atMicros);
                }
            }
        } catch (Http2ProtocolException e) {
            failOpen(Objects.requireNonNullElse(e.getMessage(), "not HTTP/2"), side, data, atMicros);
        } catch (RuntimeException e) {
            failOpen("HTTP/2 decoder: " + e, side, data, atMicros);
        }
    }

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (done) {
            return;
        }
        if (reset || side == Side.CLIENT) {
            clientEnded = true;
            leftover(Side.CLIENT, reset, atMicros);
        }
        if (reset || side == Side.SERVER) {
            serverEnded = true;
            leftover(Side.SERVER, reset, atMicros);
        }
        var why = "connection " + (reset ? "reset" : "closed") + " before the stream completed";
        streams.ended(clientEnded, serverEnded, why, atMicros);
        if (clientEnded && serverEnded) {
            done = true;
        }
    }

    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        if (!done) {
            var where = side == Side.CLIENT ? "client" : "server";
            failOpen(missingBytes + " bytes missing from the " + where, side, ByteBuffer.allocate(0), atMicros);
        }
        return false;
    }

    private void frame(Side side, FrameReader f, long atMicros) throws Http2ProtocolException {
        var block = side == Side.CLIENT ? clientBlock : serverBlock;
        int type = f.type();
        int id = f.streamId();
        var payload = f.payload();
        if (block.active() && type != Frames.CONTINUATION) {
            throw new Http2ProtocolException(Frames.name(type) + " frame while the header block of stream "
                    + block.streamId + " continues (expected: CONTINUATION)");
        }
        switch (type) {
            case Frames.HEADERS -> {
                requireStream(type, id);
                int padding = padding(f, payload);
                if (f.flag(Frames.FLAG_PRIORITY)) {
                    skip(f, payload, 5);
                }
                block.start(type, id, f.flag(Frames.FLAG_END_STREAM), 0, f.frameStartedAt());
                fragment(f, block, payload, padding, atMicros, side);
            }
            case Frames.PUSH_PROMISE -> {
                requireStream(type, id);
                if (side != Side.SERVER) {
                    throw new Http2ProtocolException("PUSH_PROMISE from the client (expected: only from the server)");
                }
                int padding = padding(f, payload);
                if (payload.remaining() < 4) {
                    throw new Http2ProtocolException("PUSH_PROMISE frame length: " + f.length() + " (expected: >= 4)");
                }
                int promised = payload.getInt() & 0x7fffffff;
                block.start(type, id, false, promised, f.frameStartedAt());
                fragment(f, block, payload, padding, atMicros, side);
            }
            case Frames.CONTINUATION -> {
                if (!block.active() || block.streamId != id) {
                    throw new Http2ProtocolException("CONTINUATION on stream " + id
                            + " (expected: only after HEADERS or PUSH_PROMISE without END_HEADERS on that stream)");
                }
                fragment(f, block, payload, 0, atMicros, side);
            }
            case Frames.PRIORITY -> {
                requireStream(type, id);
                fixedLength(f, 5);
            }
            case Frames.RST_STREAM -> {
                requireStream(type, id);
                fixedLength(f, 4);
                long code = Integer.toUnsignedLong(payload.getInt());
                streams.reset(side, id, code, 9L + f.length(), f.frameStartedAt(), atMicros);
            }
            case Frames.SETTINGS -> {
                connectionFrame(type, id);
                if (f.flag(Frames.FLAG_ACK)) {
                    fixedLength(f, 0);
                    settings.acknowledged(side.other());
                } else {
                    settings.received(side, payload);
                }
            }
            case Frames.PING -> {
                connectionFrame(type, id);
                fixedLength(f, 8);
            }
            case Frames.GOAWAY -> {
                connectionFrame(type, id);
                if (f.length() < 8) {
                    throw new Http2ProtocolException("GOAWAY frame length: " + f.length() + " (expected: >= 8)");
                }
                streams.goAway(side, payload.getInt() & 0x7fffffff, Integer.toUnsignedLong(payload.getInt()), atMicros);
            }
            case Frames.WINDOW_UPDATE -> fixedLength(f, 4);
            default -> {
                // Unknown frame types are ignored (RFC 9113 section 5.5).
            }
        }
    }

    private void fragment(FrameReader f, HeaderBlock block, ByteBuffer payload, int padding, long at, Side side)
            throws Http2ProtocolException {
        int n = payload.remaining() - padding;
        if (n < 0) {
            throw new Http2ProtocolException(
                    Frames.name(f.type()) + " padding: " + padding + " (expected: <= " + payload.remaining() + ")");
        }
        block.add(payload.slice(payload.position(), n), 9L + f.length(), MAX_HEADER_BLOCK);
        if (f.flag(Frames.FLAG_END_HEADERS)) {
            headerBlock(side, block, at);
        }
    }

    private void headerBlock(Side side, HeaderBlock block, long at) throws Http2ProtocolException {
        int id = block.streamId;
        Http2Headers decoded;
        try {
            decoded = (side == Side.CLIENT ? clientHpack : serverHpack)
                    .decodeHeaders(id, Unpooled.wrappedBuffer(block.bytes()));
        } catch (Http2Exception e) {
            throw new Http2ProtocolException("HPACK: " + oneLine(e.getMessage()) + " (stream " + id + ", "
                    + (side == Side.CLIENT ? "client" : "server") + ")");
        }
        long wire = block.wireBytes;
        long startedAt = block.startedAt;
        boolean endStream = block.endStream;
        int type = block.type;
        int promised = block.promised;
        block.reset();
        if (type == Frames.PUSH_PROMISE) {
            streams.pushPromise(id, promised, decoded, wire, startedAt, at);
            return;
        }
        streams.headers(side, id, decoded, endStream, wire, startedAt, at);
    }

    private void data(Side side, FrameReader f) {
        streams.data(side, f.streamId(), f.dataChunk());
    }

    private void dataEnd(Side side, FrameReader f, long at) throws Http2ProtocolException {
        streams.dataEnd(side, f.streamId(), f.flag(Frames.FLAG_END_STREAM), 9L + f.length(), f.frameStartedAt(), at);
    }

    /** A frame cut by the end of its direction: its bytes are recorded raw rather than lost. */
    private void leftover(Side side, boolean reset, long at) {
        var frames = side == Side.CLIENT ? clientFrames : serverFrames;
        if (frames.idle()) {
            return;
        }
        var bytes = frames.unparsed();
        if (bytes.length == 0) {
            return;
        }
        var where = side == Side.CLIENT ? "client" : "server";
        var b = context.newInteraction("tcp", frames.frameStartedAt());
        var data = new TcpData(Body.of(bytes));
        if (side == Side.CLIENT) {
            b.request(data).requestBytes(bytes.length);
        } else {
            b.response(data).responseBytes(bytes.length);
        }
        b.durationMicros(Math.max(0, at - frames.frameStartedAt()));
        b.error("connection " + (reset ? "reset" : "closed") + " in a frame from the " + where);
        context.emit(b);
    }

    private void failOpen(String reason, Side side, ByteBuffer data, long atMicros) {
        done = true;
        streams.abandon(reason, atMicros);
        var client = ByteBuffer.wrap(concat(clientFrames.unparsed(), side == Side.CLIENT ? data : null));
        var server = ByteBuffer.wrap(concat(serverFrames.unparsed(), side == Side.SERVER ? data : null));
        context.failOpen(reason, client, server);
    }

    private static byte[] concat(byte[] first, ByteBuffer rest) {
        if (rest == null || !rest.hasRemaining()) {
            return first;
        }
        var out = new byte[first.length + rest.remaining()];
        System.arraycopy(first, 0, out, 0, first.length);
        rest.duplicate().get(out, first.length, rest.remaining());
        return out;
    }

    private static int padding(FrameReader f, ByteBuffer payload) throws Http2ProtocolException {
        if (!f.flag(Frames.FLAG_PADDED)) {
            return 0;
        }
        if (!payload.hasRemaining()) {
            throw new Http2ProtocolException(Frames.name(f.type()) + " frame length: 0 with PADDED (expected: >= 1)");
        }
        return payload.get() & 0xff;
    }

    private static void skip(FrameReader f, ByteBuffer payload, int n) throws Http2ProtocolException {
        if (payload.remaining() < n) {
            throw new Http2ProtocolException(
                    Frames.name(f.type()) + " frame length: " + f.length() + " (too short for its flags)");
        }
        payload.position(payload.position() + n);
    }

    private static void fixedLength(FrameReader f, int expected) throws Http2ProtocolException {
        if (f.length() != expected) {
            throw new Http2ProtocolException(
                    Frames.name(f.type()) + " frame length: " + f.length() + " (expected: " + expected + ")");
        }
    }

    private static void requireStream(int type, int id) throws Http2ProtocolException {
        if (id == 0) {
            throw new Http2ProtocolException(Frames.name(type) + " frame on stream 0 (expected: a stream id)");
        }
    }

    private static void connectionFrame(int type, int id) throws Http2ProtocolException {
        if (id != 0) {
            throw new Http2ProtocolException(Frames.name(type) + " frame on stream " + id + " (expected: stream 0)");
        }
    }

    private static String oneLine(String s) {
        return s == null ? "invalid header block" : s.replaceAll("\\s+", " ").trim();
    }
}
