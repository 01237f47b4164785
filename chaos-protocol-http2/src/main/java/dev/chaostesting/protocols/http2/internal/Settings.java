package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.spi.Side;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SETTINGS each side sent, applied when the other side acknowledges them (RFC 9113 section 6.5.3). A side's
 * HEADER_TABLE_SIZE bounds the HPACK table of the header blocks it receives, and its MAX_FRAME_SIZE the frames it
 * receives. A larger frame size is accepted as soon as it is announced, since a peer may rely on it right away.
 */
final class Settings {

    /** Unacknowledged SETTINGS frames per side: never legitimately more than a handful. */
    private static final int MAX_PENDING = 64;

    private final FrameReader clientFrames;
    private final FrameReader serverFrames;
    private final DefaultHttp2HeadersDecoder clientHpack;
    private final DefaultHttp2HeadersDecoder serverHpack;
    private final Deque<Map<Integer, Long>> fromClient = new ArrayDeque<>();
    private final Deque<Map<Integer, Long>> fromServer = new ArrayDeque<>();

    Settings(
            FrameReader clientFrames,
            FrameReader serverFrames,
            DefaultHttp2HeadersDecoder clientHpack,
            DefaultHttp2HeadersDecoder serverHpack) {
        this.clientFrames = clientFrames;
        this.serverFrames = serverFrames;
        this.clientHpack = clientHpack;
        this.serverHpack = serverHpack;
    }

    /** A SETTINGS frame (not an ACK) that {@code side} sent. */
    void received(Side side, ByteBuffer payload) throws Http2ProtocolException {
        if (payload.remaining() % 6 != 0) {
            throw new Http2ProtocolException(
                    "SETTINGS frame length: " + payload.remaining() + " (expected: a multiple of 6)");
        }
        var values = parse(payload);
        var pending = side == Side.CLIENT ? fromClient : fromServer;
        if (pending.size() >= MAX_PENDING) {
            throw new Http2ProtocolException("SETTINGS from the " + name(side) + ": " + (MAX_PENDING + 1)
                    + " unacknowledged (expected: <= " + MAX_PENDING + ")");
        }
        pending.add(values);
        var size = values.get(Frames.SETTINGS_MAX_FRAME_SIZE);
        var receiving = side == Side.CLIENT ? serverFrames : clientFrames;
        if (size != null && size > receiving.maxFrameSize()) {
            receiving.maxFrameSize(size.intValue());
        }
    }

    /** The peer of {@code side} acknowledged the oldest SETTINGS {@code side} sent. */
    void acknowledged(Side side) throws Http2ProtocolException {
        var pending = side == Side.CLIENT ? fromClient : fromServer;
        var values = pending.poll();
        if (values == null) {
            return; // e.g. the settings came in an Upgrade's HTTP2-Settings header, applied then
        }
        apply(side, values);
    }

    /** The client's settings sent in the {@code HTTP2-Settings} header of an h2c upgrade: in force at once. */
    void applyUpgradeSettings(String base64url) {
        if (base64url.isBlank()) {
            return;
        }
        try {
            var bytes = Base64.getUrlDecoder().decode(base64url.trim().replace("=", ""));
            if (bytes.length % 6 != 0) {
                throw new IllegalArgumentException(
                        "HTTP2-Settings: " + bytes.length + " bytes (expected: 6 per setting)");
            }
            apply(Side.CLIENT, parse(ByteBuffer.wrap(bytes)));
        } catch (Http2ProtocolException e) {
            throw new IllegalArgumentException("HTTP2-Settings: " + e.getMessage(), e);
        }
    }

    private void apply(Side side, Map<Integer, Long> values) throws Http2ProtocolException {
        // Settings a side sent govern what it receives: the other side's frames and header blocks.
        var receivingFrames = side == Side.CLIENT ? serverFrames : clientFrames;
        var receivingHpack = side == Side.CLIENT ? serverHpack : clientHpack;
        var tableSize = values.get(Frames.SETTINGS_HEADER_TABLE_SIZE);
        if (tableSize != null) {
            try {
                receivingHpack.maxHeaderTableSize(tableSize);
            } catch (Http2Exception e) {
                throw new Http2ProtocolException(
                        "SETTINGS_HEADER_TABLE_SIZE: " + tableSize + " (" + e.getMessage() + ")");
            }
        }
        var frameSize = values.get(Frames.SETTINGS_MAX_FRAME_SIZE);
        if (frameSize != null) {
            receivingFrames.maxFrameSize(frameSize.intValue());
        }
    }

    private static Map<Integer, Long> parse(ByteBuffer payload) throws Http2ProtocolException {
        var values = new LinkedHashMap<Integer, Long>();
        while (payload.remaining() >= 6) {
            int id = payload.getShort() & 0xffff;
            long value = Integer.toUnsignedLong(payload.getInt());
            if (id == Frames.SETTINGS_MAX_FRAME_SIZE
                    && (value < Frames.DEFAULT_MAX_FRAME_SIZE || value > Frames.MAX_MAX_FRAME_SIZE)) {
                throw new Http2ProtocolException("SETTINGS_MAX_FRAME_SIZE: " + value + " (expected: "
                        + Frames.DEFAULT_MAX_FRAME_SIZE + ".." + Frames.MAX_MAX_FRAME_SIZE + ")");
            }
            values.put(id, value);
        }
        return values;
    }

    private static String name(Side side) {
        return side == Side.CLIENT ? "client" : "server";
    }
}
