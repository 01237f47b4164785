package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.protocols.grpc.GrpcFaults;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/2 connection in line. Both directions are framed; the client's header blocks are decoded in order with an
 * HPACK decoder that mirrors the server's. A request stream matching a fault never reaches the server: its HEADERS,
 * CONTINUATION, DATA and later frames are dropped, and the client is answered with frames whose header fields are
 * literals without indexing (its own HPACK table untouched).
 *
 * <p>A dropped header block may have changed the dynamic table the server's decoder mirrors (a literal with incremental
 * indexing, a table size update). Forwarding it and resetting the stream would keep the tables equal but hand the
 * request to the server (a request ending with its HEADERS is then executed, a streaming call started). So the block
 * is dropped, and from then on every client header block, decoded with the client's table, is re-encoded for the
 * server as literals without indexing (its leading table size updates kept): the server's table is then never
 * referred to again, and every block decodes there to the fields the client sent. Blocks that leave the table as it
 * was keep the connection byte for byte unchanged.
 *
 * <p>Server bytes are streamed through as they come; injected frames go to the client between two server frames, never
 * inside a header block, and only after the server's first frame (its SETTINGS). HTTP/2 multiplexes streams, so an
 * answer waits for no other stream. DATA the client sent on a faulted stream is given back to its connection window
 * with a WINDOW_UPDATE, since the server never saw it.
 */
public final class Http2Inline implements InlineHandler {

    private static final System.Logger LOG = System.getLogger(Http2Inline.class.getName());

    /** Frames other than DATA are held whole; none legitimately comes near this. */
    private static final int MAX_HELD_FRAME = 1 << 20;

    private static final int MAX_HEADER_BLOCK = 1 << 20;
    private static final int MAX_FAULTED_STREAMS = 100_000;

    private final InlineContext context;
    private boolean passThrough;

    // Client direction.
    private int prefaceFill;
    private final byte[] clientHeader = new byte[9];
    private int clientHeaderFill;
    private int clientLength;
    private int clientType;
    private int clientFlags;
    private int clientStream;
    private int clientRemaining;
    private ClientMode clientMode = ClientMode.HEADER;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false, MAX_HEADER_BLOCK);

    // The header block being collected.
    private int blockStream = -1;
    private boolean blockEndStream;
    private byte[] blockPriority = new byte[0];
    private final ByteArrayOutputStream blockBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream blockWire = new ByteArrayOutputStream();

    private int lastClientStream;
    private int lastForwardedStream;
    private final Set<Integer> faulted = new HashSet<>();
    private boolean reencode;
    /** The table size updates that started the last dropped block: the server's decoder must still get them. */
    private byte[] droppedSizeUpdates = new byte[0];

    private final Map<Map<String, Object>, InlineFault> parsed = new IdentityHashMap<>();

    // Server direction.
    private final byte[] serverHeader = new byte[9];
    private int serverHeaderFill;
    private int serverRemaining;
    private int serverType;
    private int serverFlags;
    private boolean serverStarted;
    private boolean serverInBlock;
    private final ByteArrayOutputStream serverSettings = new ByteArrayOutputStream();
    /** HEADER_TABLE_SIZE of each SETTINGS the server sent and the client has not acknowledged (-1: none). */
    private final ArrayDeque<Long> serverTableSizes = new ArrayDeque<>();

    private final List<byte[]> toClient = new ArrayList<>();

    private enum ClientMode {
        HEADER,
        HOLD,
        FORWARD,
        DROP
    }

    public Http2Inline(InlineContext context) {
        this.context = context;
    }

    @Override
    public void onData(Side from, ByteBuffer data) {
        if (passThrough) {
            context.send(from.other(), data);
            return;
        }
        if (from == Side.CLIENT) {
            client(data);
        } else {
            server(data);
        }
        flushToClient();
    }

    @Override
    public void onEnd(Side from) {
        if (passThrough) {
            return;
        }
        if (from == Side.CLIENT) {
            stop("the client ended its direction", new byte[0]);
        }
    }

    // Client direction.

    private void client(ByteBuffer in) {
        while (in.hasRemaining() && !passThrough) {
            if (prefaceFill < FrameReader.PREFACE.length) {
                int start = in.position();
                while (in.hasRemaining() && prefaceFill < FrameReader.PREFACE.length) {
                    if (in.get(in.position()) != FrameReader.PREFACE[prefaceFill]) {
                        context.send(Side.SERVER, in.slice(start, in.position() - start));
                        stop("client preface: byte " + prefaceFill + " is not the HTTP/2 preface", new byte[0]);
                        break;
                    }
                    in.position(in.position() + 1);
                    prefaceFill++;
                }
                if (!passThrough) {
                    context.send(Side.SERVER, in.slice(start, in.position() - start));
                }
                continue;
            }
            switch (clientMode) {
                case HEADER -> {
                    int n = Math.min(9 - clientHeaderFill, in.remaining());
                    in.get(clientHeader, clientHeaderFill, n);
                    clientHeaderFill += n;
                    if (clientHeaderFill == 9) {
                        clientHeaderFill = 0;
                        startClientFrame();
                    }
                }
                case FORWARD, DROP -> {
                    int n = Math.min(clientRemaining, in.remaining());
                    if (clientMode == ClientMode.FORWARD) {
                        context.send(Side.SERVER, in.slice(in.position(), n));
                    }
                    in.position(in.position() + n);
                    clientRemaining -= n;
                    if (clientRemaining == 0) {
                        clientMode = ClientMode.HEADER;
                    }
                }
                case HOLD -> {
                    int n = Math.min(clientRemaining, in.remaining());
                    var chunk = new byte[n];
                    in.get(chunk);
                    held.writeBytes(chunk);
                    clientRemaining -= n;
                    if (clientRemaining == 0) {
                        clientMode = ClientMode.HEADER;
                        clientFrame();
                    }
                }
            }
        }
        if (passThrough && in.hasRemaining()) {
            context.send(Side.SERVER, in);
        }
    }

    private void startClientFrame() {
        clientLength = ((clientHeader[0] & 0xff) << 16) | ((clientHeader[1] & 0xff) << 8) | (clientHeader[2] & 0xff);
        clientType = clientHeader[3] & 0xff;
        clientFlags = clientHeader[4] & 0xff;
        clientStream = ((clientHeader[5] & 0x7f) << 24)
                | ((clientHeader[6] & 0xff) << 16)
                | ((clientHeader[7] & 0xff) << 8)
                | (clientHeader[8] & 0xff);
        clientRemaining = clientLength;
        if (blockStream >= 0 && clientType != Frames.CONTINUATION) {
            stop(
                    Frames.name(clientType) + " frame inside the header block of stream " + blockStream
                            + " (expected: CONTINUATION)",
                    clientHeader.clone());
            return;
        }
        if (clientType == Frames.DATA) {
            if (faulted.contains(clientStream) || isIdleForServer(clientStream)) {
                // The server never saw this stream: the client's connection window gets the bytes back.
                if (clientLength > 0) {
                    toClient.add(windowUpdate(clientLength));
                }
                if ((clientFlags & Frames.FLAG_END_STREAM) != 0) {
                    faulted.remove(clientStream);
                }
                clientMode = clientLength == 0 ? ClientMode.HEADER : ClientMode.DROP;
            } else {
                context.send(Side.SERVER, ByteBuffer.wrap(clientHeader.clone()));
                clientMode = clientLength == 0 ? ClientMode.HEADER : ClientMode.FORWARD;
            }
            return;
        }
        if (clientLength > MAX_HELD_FRAME) {
            stop(
                    Frames.name(clientType) + " frame length: " + clientLength + " (expected: <= " + MAX_HELD_FRAME
                            + " for frames other than DATA)",
                    clientHeader.clone());
            return;
        }
        held.reset();
        held.writeBytes(clientHeader);
        clientMode = ClientMode.HOLD;
        if (clientLength == 0) {
            clientMode = ClientMode.HEADER;
            clientFrame();
        }
    }

    /** A whole client frame other than DATA, in {@link #held}. */
    private void clientFrame() {
        var frame = held.toByteArray();
        held.reset();
        switch (clientType) {
            case Frames.HEADERS -> headers(frame);
            case Frames.CONTINUATION -> continuation(frame);
            case Frames.SETTINGS -> {
                if ((clientFlags & Frames.FLAG_ACK) != 0) {
                    var size = serverTableSizes.poll();
                    if (size != null && size >= 0) {
                        try {
                            hpack.maxHeaderTableSize(size);
                        } catch (Http2Exception e) {
                            stop("SETTINGS_HEADER_TABLE_SIZE " + size + ": " + e.getMessage(), frame);
                            return;
                        }
                    }
                }
                context.send(Side.SERVER, ByteBuffer.wrap(frame));
            }
            case Frames.RST_STREAM, Frames.WINDOW_UPDATE, Frames.PRIORITY -> {
                if (clientStream != 0 && (faulted.contains(clientStream) || isIdleForServer(clientStream))) {
                    if (clientType == Frames.RST_STREAM) {
                        faulted.remove(clientStream);
                    }
                    return; // a stream the server never saw
                }
                context.send(Side.SERVER, ByteBuffer.wrap(frame));
            }
            default -> context.send(Side.SERVER, ByteBuffer.wrap(frame));
        }
    }

    /** A client-initiated stream the server has not seen opened, which it would take for an idle stream. */
    private boolean isIdleForServer(int stream) {
        return (stream & 1) == 1 && stream > lastForwardedStream && stream <= lastClientStream;
    }

    private void headers(byte[] frame) {
        int at = 9;
        int end = frame.length;
        if ((clientFlags & Frames.FLAG_PADDED) != 0) {
            if (end - at < 1) {
                stop("HEADERS padding: frame too short (stream " + clientStream + ")", frame);
                return;
            }
            end -= frame[at++] & 0xff;
        }
        byte[] priority = new byte[0];
        if ((clientFlags & Frames.FLAG_PRIORITY) != 0) {
            if (end - at < 5) {
                stop("HEADERS priority: frame too short (stream " + clientStream + ")", frame);
                return;
            }
            priority = java.util.Arrays.copyOfRange(frame, at, at + 5);
            at += 5;
        }
        if (end < at || clientStream == 0) {
            stop("HEADERS frame: bad padding or stream 0 (stream " + clientStream + ")", frame);
            return;
        }
        blockStream = clientStream;
        blockEndStream = (clientFlags & Frames.FLAG_END_STREAM) != 0;
        blockPriority = priority;
        blockBytes.reset();
        blockWire.reset();
        blockBytes.write(frame, at, end - at);
        blockWire.writeBytes(frame);
        if ((clientFlags & Frames.FLAG_END_HEADERS) != 0) {
            headerBlock();
        }
    }

    private void continuation(byte[] frame) {
        if (blockStream < 0 || clientStream != blockStream) {
            stop("CONTINUATION on stream " + clientStream + " (expected: after HEADERS without END_HEADERS)", frame);
            return;
        }
        if (blockBytes.size() + frame.length > MAX_HEADER_BLOCK) {
            stop("header block of stream " + clientStream + ": over " + MAX_HEADER_BLOCK + " bytes", frame);
            return;
        }
        blockBytes.write(frame, 9, frame.length - 9);
        blockWire.writeBytes(frame);
        if ((clientFlags & Frames.FLAG_END_HEADERS) != 0) {
            headerBlock();
        }
    }

    /** A whole client header block: decoded, then forwarded as it came, re-encoded, or dropped for a fault. */
    private void headerBlock() {
        int stream = blockStream;
        var block = blockBytes.toByteArray();
        blockStream = -1;
        Http2Headers headers;
        try {
            headers = hpack.decodeHeaders(stream, Unpooled.wrappedBuffer(block));
        } catch (Http2Exception | RuntimeException e) {
            var wire = blockWire.toByteArray();
            stop(
                    "HPACK: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + " (stream " + stream
                            + ", client)",
                    wire);
            return;
        }
        boolean drop = faulted.contains(stream) || isIdleForServer(stream);
        if (!drop && stream > lastClientStream && (stream & 1) == 1) {
            lastClientStream = stream;
            var answer = answerFor(stream, headers);
            if (answer != null) {
                drop = true;
                toClient.add(answer);
                if (!blockEndStream && !faulted.contains(stream) && faulted.size() < MAX_FAULTED_STREAMS) {
                    faulted.add(stream);
                }
            }
        }
        if (drop) {
            if (blockEndStream) {
                faulted.remove(stream);
            }
            if (!reencode && Hpack.changesTable(block)) {
                reencode = true;
            }
            int updates = Hpack.leadingSizeUpdates(block);
            if (updates > 0) {
                droppedSizeUpdates = java.util.Arrays.copyOf(block, updates);
            }
            return;
        }
        if (stream > lastForwardedStream && (stream & 1) == 1) {
            lastForwardedStream = stream;
        }
        if (!reencode) {
            context.send(Side.SERVER, ByteBuffer.wrap(blockWire.toByteArray()));
            return;
        }
        var prefix = new ByteArrayOutputStream();
        prefix.writeBytes(droppedSizeUpdates);
        droppedSizeUpdates = new byte[0];
        prefix.write(block, 0, Hpack.leadingSizeUpdates(block));
        var encoded = Hpack.literals(prefix.toByteArray(), prefix.size(), headers);
        context.send(Side.SERVER, ByteBuffer.wrap(frames(stream, blockEndStream, blockPriority, encoded)));
    }

    /** The frames answering a request stream that matches the first applicable fault, or null when none matches. */
    private byte[] answerFor(int stream, Http2Headers headers) {
        var active = context.faults();
        if (active.isEmpty()) {
            return null;
        }
        var method = String.valueOf(headers.method());
        var path = String.valueOf(headers.path());
        var contentType = headers.get("content-type");
        boolean grpc = contentType != null && contentType.toString().startsWith("application/grpc");
        for (var fault : active) {
            InlineFault f;
            try {
                f = parsed.computeIfAbsent(fault.spec(), InlineFault::parse);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (parsed.size() > 256) {
                parsed.clear();
            }
            if (!f.matches(method, path, grpc)) {
                continue;
            }
            context.acted(fault.name());
            return switch (f.answer()) {
                case GRPC_STATUS -> GrpcFaults.errorResponse(stream, f.code(), f.message());
                case HTTP_STATUS ->
                    GrpcFaults.headers(stream, List.of(Map.entry(":status", Integer.toString(f.code()))));
                case RST_STREAM -> GrpcFaults.rstStream(stream, f.code());
            };
        }
        return null;
    }

    /** A re-encoded header block as HEADERS and CONTINUATION frames of at most the smallest frame size. */
    private static byte[] frames(int stream, boolean endStream, byte[] priority, byte[] block) {
        var out = new ByteArrayOutputStream(block.length + 32);
        int max = Frames.DEFAULT_MAX_FRAME_SIZE;
        int offset = 0;
        boolean first = true;
        var header = new byte[9];
        do {
            int room = first ? max - priority.length : max;
            int n = Math.min(room, block.length - offset);
            boolean last = offset + n == block.length;
            int flags = (last ? Frames.FLAG_END_HEADERS : 0);
            if (first) {
                flags |= (endStream ? Frames.FLAG_END_STREAM : 0) | (priority.length > 0 ? Frames.FLAG_PRIORITY : 0);
            }
            Frames.header(
                    header,
                    0,
                    n + (first ? priority.length : 0),
                    first ? Frames.HEADERS : Frames.CONTINUATION,
                    flags,
                    stream);
            out.writeBytes(header);
            if (first) {
                out.writeBytes(priority);
            }
            out.write(block, offset, n);
            offset += n;
            first = false;
        } while (offset < block.length);
        return out.toByteArray();
    }

    private static byte[] windowUpdate(int increment) {
        var frame = new byte[13];
        Frames.header(frame, 0, 4, Frames.WINDOW_UPDATE, 0, 0);
        frame[9] = (byte) ((increment >>> 24) & 0x7f);
        frame[10] = (byte) (increment >>> 16);
        frame[11] = (byte) (increment >>> 8);
        frame[12] = (byte) increment;
        return frame;
    }

    // Server direction: streamed through, framed to find where injected frames may go.

    private void server(ByteBuffer in) {
        int sliceStart = in.position();
        while (in.hasRemaining()) {
            if (serverRemaining == 0 && serverHeaderFill < 9) {
                int n = Math.min(9 - serverHeaderFill, in.remaining());
                in.get(serverHeader, serverHeaderFill, n);
                serverHeaderFill += n;
                if (serverHeaderFill < 9) {
                    break;
                }
                serverRemaining =
                        ((serverHeader[0] & 0xff) << 16) | ((serverHeader[1] & 0xff) << 8) | (serverHeader[2] & 0xff);
                serverType = serverHeader[3] & 0xff;
                serverFlags = serverHeader[4] & 0xff;
                serverSettings.reset();
            } else {
                int n = Math.min(serverRemaining, in.remaining());
                if (serverType == Frames.SETTINGS
                        && (serverFlags & Frames.FLAG_ACK) == 0
                        && serverSettings.size() < 4096) {
                    var chunk = new byte[n];
                    in.duplicate().get(chunk);
                    serverSettings.writeBytes(chunk);
                }
                in.position(in.position() + n);
                serverRemaining -= n;
            }
            if (serverRemaining == 0 && serverHeaderFill == 9) {
                serverFrameEnded();
                if (!toClient.isEmpty() && canInject()) {
                    context.send(Side.CLIENT, in.slice(sliceStart, in.position() - sliceStart));
                    sliceStart = in.position();
                    flushToClient();
                }
            }
        }
        context.send(Side.CLIENT, in.slice(sliceStart, in.position() - sliceStart));
    }

    private void serverFrameEnded() {
        serverHeaderFill = 0;
        serverStarted = true;
        switch (serverType) {
            case Frames.HEADERS, Frames.PUSH_PROMISE -> serverInBlock = (serverFlags & Frames.FLAG_END_HEADERS) == 0;
            case Frames.CONTINUATION -> serverInBlock &= (serverFlags & Frames.FLAG_END_HEADERS) == 0;
            case Frames.SETTINGS -> {
                if ((serverFlags & Frames.FLAG_ACK) == 0) {
                    long size = -1;
                    var s = ByteBuffer.wrap(serverSettings.toByteArray());
                    while (s.remaining() >= 6) {
                        int id = s.getShort() & 0xffff;
                        long value = Integer.toUnsignedLong(s.getInt());
                        if (id == Frames.SETTINGS_HEADER_TABLE_SIZE) {
                            size = value;
                        }
                    }
                    if (serverTableSizes.size() < 64) {
                        serverTableSizes.add(size);
                    }
                }
            }
            default -> {}
        }
    }

    private boolean canInject() {
        return serverStarted && serverHeaderFill == 0 && serverRemaining == 0 && !serverInBlock;
    }

    private void flushToClient() {
        if (toClient.isEmpty() || !canInject()) {
            return;
        }
        for (var bytes : toClient) {
            context.send(Side.CLIENT, ByteBuffer.wrap(bytes));
        }
        toClient.clear();
    }

    /**
     * Stops understanding the traffic: what is held of the client's direction (an unfinished header block, then
     * {@code pending}, the frame being handled, then a frame being read) goes on unchanged, and so does everything
     * after.
     */
    private void stop(String reason, byte[] pending) {
        if (passThrough) {
            return;
        }
        passThrough = true;
        LOG.log(Level.DEBUG, "http2 in line: " + reason + "; passing the connection through");
        if (blockStream >= 0) {
            blockStream = -1;
            context.send(Side.SERVER, ByteBuffer.wrap(blockWire.toByteArray()));
        }
        context.send(Side.SERVER, ByteBuffer.wrap(pending));
        if (held.size() > 0) {
            context.send(Side.SERVER, ByteBuffer.wrap(held.toByteArray()));
            held.reset();
        }
        if (clientHeaderFill > 0) {
            context.send(Side.SERVER, ByteBuffer.wrap(clientHeader, 0, clientHeaderFill));
            clientHeaderFill = 0;
        }
        flushToClient();
    }
}
