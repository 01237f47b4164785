package dev.chaostesting.internal.observe;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Watches one connection, both directions in order: picks the codec by sniffing the first bytes (or takes the one it
 * was told to use), feeds it, and falls back to raw TCP when it fails, so nothing seen is lost. The same class serves
 * the live proxy and streams reassembled from a capture. Confined to one thread.
 */
public final class ConnectionObserver {

    /** How many bytes of the first side to sniff before giving up on detection. */
    static final int SNIFF_LIMIT = 4096;

    private final ConnectionInfo info;
    private final Codecs codecs;
    private final int maxBodyBytes;
    private final Consumer<Interaction.Builder> sink;
    private final Context context = new Context();

    private @Nullable StreamDecoder decoder;
    private String protocol = "";
    private boolean failedOpen;
    private @Nullable Side firstSide;
    private final List<Chunk> sniffed = new ArrayList<>();
    private int sniffedFirstSideBytes;
    /** When the bytes or end being handled now were seen: what handed-back bytes are stamped with on fail-open. */
    private long currentMicros;

    /**
     * @param forcedProtocol a codec name, or {@code tcp}, to skip detection; null to detect
     * @param sink receives each decoded interaction (sequence not yet set)
     */
    public ConnectionObserver(
            ConnectionInfo info,
            Codecs codecs,
            @Nullable String forcedProtocol,
            int maxBodyBytes,
            Consumer<Interaction.Builder> sink) {
        this.info = info;
        this.codecs = codecs;
        this.maxBodyBytes = maxBodyBytes;
        this.sink = sink;
        if (forcedProtocol != null) {
            if (forcedProtocol.equals(Codecs.RAW_TCP)) {
                use(null);
            } else {
                var codec = codecs.byName(forcedProtocol)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "protocol: " + forcedProtocol + " (expected one of: " + codecs.names() + ")"));
                use(codec);
            }
        }
    }

    /** Attempts at finding a message start in a connection picked up mid-stream, before settling for raw TCP. */
    static final int MAX_SEEK_ATTEMPTS = 1000;

    static final String MID_STREAM =
            "the capture began inside this connection: bytes before the first message a codec recognised";

    /**
     * The capture began inside this connection: its first bytes may be the middle of a message, which no codec
     * recognises. Rather than recording the whole connection raw, detection is tried again on each later chunk (a
     * segment usually starts a message), the bytes before the first recognised message being recorded raw.
     */
    public void startsMidStream() {
        if (decoder == null) {
            seeking = true;
        }
    }

    /** The protocol chosen for this connection, or an empty string while still sniffing. */
    public String protocol() {
        return protocol;
    }

    public void onData(Side side, ByteBuffer data, long atMicros) {
        if (!data.hasRemaining()) {
            return;
        }
        currentMicros = atMicros;
        if (decoder == null) {
            sniff(side, data, atMicros);
            return;
        }
        var d = decoder;
        try {
            d.onData(side, data.asReadOnlyBuffer(), atMicros);
        } catch (RuntimeException e) {
            decoderFailed(d, e);
        }
    }

    public void onEnd(Side side, boolean reset, long atMicros) {
        currentMicros = atMicros;
        if (decoder == null) {
            decide(bestSoFar);
        }
        var d = decoder;
        try {
            d.onEnd(side, reset, atMicros);
        } catch (RuntimeException e) {
            decoderFailed(d, e);
        }
        if (decoder != d) {
            // The decoder gave up while handling the end: the raw recorder needs the end too, or it keeps its bytes.
            decoder.onEnd(side, reset, atMicros);
        }
    }

    public void onGap(Side side, long missingBytes, long atMicros) {
        if (decoder == null) {
            decide(bestSoFar);
        }
        var d = decoder;
        boolean resynchronised;
        try {
            resynchronised = d.onGap(side, missingBytes, atMicros);
        } catch (RuntimeException e) {
            resynchronised = false;
        }
        if (!resynchronised && decoder == d) {
            context.failOpen(
                    missingBytes + " bytes missing from the " + side.name().toLowerCase(java.util.Locale.ROOT),
                    ByteBuffer.allocate(0),
                    ByteBuffer.allocate(0));
        }
    }

    private void sniff(Side side, ByteBuffer data, long atMicros) {
        var copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        sniffed.add(new Chunk(side, copy, atMicros));
        if (firstSide == null) {
            firstSide = side;
        }
        if (side != firstSide) {
            return;
        }
        sniffedFirstSideBytes += copy.length;
        var firstBytes = ByteBuffer.allocate(sniffedFirstSideBytes);
        for (var chunk : sniffed) {
            if (chunk.side == firstSide) {
                firstBytes.put(chunk.bytes);
            }
        }
        firstBytes.flip();
        ProtocolCodec chosen = null;
        boolean undecided = false;
        boolean hintedUndecided = false;
        for (var codec : codecs.all()) {
            Detection detection;
            try {
                detection = codec.detect(firstSide, firstBytes.asReadOnlyBuffer());
            } catch (RuntimeException e) {
                detection = Detection.NO_MATCH;
            }
            if (detection == Detection.MATCH) {
                if (chosen == null
                        || (!chosen.portHints().contains(info.serverPort())
                                && codec.portHints().contains(info.serverPort()))) {
                    chosen = codec;
                }
            } else if (detection == Detection.NEED_MORE) {
                undecided = true;
                hintedUndecided |= codec.portHints().contains(info.serverPort());
            }
        }
        // A match from a codec without this port's hint waits while the codec that has the hint still needs bytes:
        // "GET " typed alone on 6379 is Redis' inline GET as much as HTTP's.
        bestSoFar = chosen;
        boolean hinted = chosen != null && chosen.portHints().contains(info.serverPort());
        boolean wait = hintedUndecided && !hinted;
        if ((chosen != null && !wait) || !undecided || sniffedFirstSideBytes >= SNIFF_LIMIT) {
            if (chosen == null && seeking && ++seekAttempts < MAX_SEEK_ATTEMPTS) {
                skipSniffed();
                return;
            }
            decide(chosen);
        }
    }

    /** Mid-stream: what was sniffed is recorded raw, and detection starts afresh with the next chunk. */
    private void skipSniffed() {
        if (seekRaw == null) {
            seekRaw = new RawTcpDecoder(context, MID_STREAM, Map.of());
        }
        for (var chunk : sniffed) {
            seekRaw.onData(chunk.side, ByteBuffer.wrap(chunk.bytes), chunk.atMicros);
        }
        sniffed.clear();
        firstSide = null;
        sniffedFirstSideBytes = 0;
    }

    private void decide(@Nullable ProtocolCodec codec) {
        var skipped = seekRaw;
        if (skipped != null) {
            seekRaw = null;
            seeking = false;
            if (codec == null) {
                protocol = Codecs.RAW_TCP;
                decoder = skipped;
            } else {
                skipped.flush();
                use(codec);
            }
        } else {
            use(codec);
        }
        var replay = List.copyOf(sniffed);
        sniffed.clear();
        for (var chunk : replay) {
            onData(chunk.side, ByteBuffer.wrap(chunk.bytes), chunk.atMicros);
        }
    }

    private void use(@Nullable ProtocolCodec codec) {
        if (codec == null) {
            useRaw(null, Map.of());
        } else {
            protocol = codec.name();
            decoder = codec.newDecoder(context);
        }
    }

    private StreamDecoder useRaw(@Nullable String failOpenReason, Map<String, String> attributes) {
        protocol = Codecs.RAW_TCP;
        var raw = new RawTcpDecoder(context, failOpenReason, attributes);
        decoder = raw;
        return raw;
    }

    private void decoderFailed(StreamDecoder failed, RuntimeException e) {
        if (decoder == failed && !failedOpen) {
            context.failOpen(protocol + " decoder failed: " + e, ByteBuffer.allocate(0), ByteBuffer.allocate(0));
        }
    }

    private record Chunk(Side side, byte[] bytes, long atMicros) {}

    /** A codec that matched while one with this port's hint still needed bytes: used if the connection ends first. */
    private @Nullable ProtocolCodec bestSoFar;

    private boolean seeking;
    private int seekAttempts;
    private @Nullable RawTcpDecoder seekRaw;

    private final class Context implements DecoderContext {
        @Override
        public ConnectionInfo connection() {
            return info;
        }

        @Override
        public int maxBodyBytes() {
            return maxBodyBytes;
        }

        @Override
        public Interaction.Builder newInteraction(String protocolName, long startedAtMicros) {
            return Interaction.builder()
                    .protocol(protocolName)
                    .direction(info.direction())
                    .connection(info.id())
                    .client(info.client())
                    .server(info.server())
                    .startedAt(toInstant(startedAtMicros));
        }

        @Override
        public void emit(Interaction.Builder interaction) {
            sink.accept(interaction);
        }

        @Override
        public StreamDecoder switchToRaw(Map<String, String> attributes) {
            if (decoder instanceof RawTcpDecoder) {
                return decoder;
            }
            return useRaw(null, attributes);
        }

        @Override
        public void failOpen(String reason, ByteBuffer unparsedClient, ByteBuffer unparsedServer) {
            if (failedOpen) {
                return;
            }
            failedOpen = true;
            var raw = useRaw(reason, Map.of());
            raw.onData(Side.CLIENT, unparsedClient, currentMicros);
            raw.onData(Side.SERVER, unparsedServer, currentMicros);
        }
    }

    /** Microseconds since the epoch, from the wall clock. */
    public static long nowMicros() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public static Instant toInstant(long epochMicros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
    }
}
