package dev.chaostesting.protocols.http2;

import dev.chaostesting.spi.Side;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds a connection's frames, header blocks encoded by Netty's HPACK encoder (one per direction, with state). */
final class Frames {

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final DefaultHttp2HeadersEncoder clientHpack =
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false);
    final DefaultHttp2HeadersEncoder serverHpack =
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false);
    final List<RecordingRelay.Event> events = new ArrayList<>();
    private long clock = 1_700_000_000_000_000L;

    Frames client(byte[] bytes) {
        events.add(new RecordingRelay.Event(Side.CLIENT, bytes, clock += 1000));
        return this;
    }

    Frames server(byte[] bytes) {
        events.add(new RecordingRelay.Event(Side.SERVER, bytes, clock += 1000));
        return this;
    }

    Frames end(Side side) {
        events.add(new RecordingRelay.Event(side, null, clock += 1000));
        return this;
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        var out = new byte[9 + payload.length];
        dev.chaostesting.protocols.http2.internal.Frames.header(out, 0, payload.length, type, flags, stream);
        System.arraycopy(payload, 0, out, 9, payload.length);
        return out;
    }

    static byte[] settings(int... idValues) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < idValues.length; i += 2) {
            out.write(idValues[i] >> 8);
            out.write(idValues[i]);
            int v = idValues[i + 1];
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
        return frame(4, 0, 0, out.toByteArray());
    }

    static byte[] settingsAck() {
        return frame(4, 1, 0, new byte[0]);
    }

    /** A header block from alternating names and values. */
    byte[] block(Side side, String... namesAndValues) {
        var headers = new DefaultHttp2Headers(false);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        var buf = Unpooled.buffer();
        try {
            (side == Side.CLIENT ? clientHpack : serverHpack).encodeHeaders(1, headers, buf);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        var bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] grpcMessage(boolean compressed, byte[] payload) {
        var out = new byte[5 + payload.length];
        out[0] = (byte) (compressed ? 1 : 0);
        out[1] = (byte) (payload.length >>> 24);
        out[2] = (byte) (payload.length >>> 16);
        out[3] = (byte) (payload.length >>> 8);
        out[4] = (byte) payload.length;
        System.arraycopy(payload, 0, out, 5, payload.length);
        return out;
    }
}
