package dev.chaostesting.protocols.http;

import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.BodyCollector;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Records bytes this codec does not decode as raw TCP turns: what the client sent until the server answered, and what
 * the server sent until the client spoke again. Used for the tunnel after an upgrade or a CONNECT, and for the bytes of
 * a head left unfinished when the connection ended.
 */
final class RawTurns {

    private static final String PROTOCOL = "tcp";

    private final DecoderContext context;
    private final Map<String, String> attributes;
    private final BodyCollector request;
    private final BodyCollector response;
    private boolean inTurn;
    private boolean serverEnded;
    private long startedAt;
    private long firstResponseAt = -1;
    private long lastAt;
    private @Nullable String gaps;

    RawTurns(DecoderContext context, Map<String, String> attributes) {
        this.context = context;
        this.attributes = attributes;
        this.request = new BodyCollector(context.maxBodyBytes());
        this.response = new BodyCollector(context.maxBodyBytes());
    }

    /** Emits one interaction holding these bytes of one side. */
    static void emitOnce(
            DecoderContext context, Side side, ByteBuffer bytes, long startedAt, long lastAt, String problem) {
        if (!bytes.hasRemaining()) {
            return;
        }
        var turns = new RawTurns(context, Map.of());
        turns.onData(side, bytes, startedAt);
        turns.lastAt = Math.max(startedAt, lastAt);
        turns.flush(problem);
    }

    void onData(Side side, ByteBuffer data, long atMicros) {
        if (!data.hasRemaining()) {
            return;
        }
        if (side == Side.CLIENT && response.size() > 0) {
            flush(null);
        }
        if (!inTurn) {
            inTurn = true;
            startedAt = atMicros;
        }
        if (side == Side.CLIENT) {
            request.append(data);
        } else {
            if (firstResponseAt < 0) {
                firstResponseAt = atMicros;
            }
            response.append(data);
        }
        lastAt = atMicros;
    }

    void onEnd(Side side, boolean reset, long atMicros) {
        if (reset) {
            flush((side == Side.CLIENT ? "client" : "server") + " reset the connection");
            return;
        }
        if (side == Side.SERVER) {
            serverEnded = true;
        }
        // A client that half-closed may still get its answer: the turn ends when the server is done.
        if (serverEnded) {
            flush(null);
        }
    }

    void onGap(Side side, long missingBytes) {
        var gap = missingBytes + " bytes missing from the " + (side == Side.CLIENT ? "client" : "server");
        gaps = gaps == null ? gap : gaps + "; " + gap;
    }

    private void flush(@Nullable String problem) {
        if (!inTurn) {
            return;
        }
        var interaction = context.newInteraction(PROTOCOL, startedAt)
                .timeToFirstByteMicros(firstResponseAt < 0 ? -1 : firstResponseAt - startedAt)
                .durationMicros(lastAt - startedAt)
                .requestBytes(request.size())
                .responseBytes(response.size())
                .request(request.size() > 0 ? new TcpData(request.toBody()) : null)
                .response(response.size() > 0 ? new TcpData(response.toBody()) : null)
                .error(problem)
                .attributes(attributes);
        if (gaps != null) {
            interaction.attribute("decodeError", gaps);
            gaps = null;
        }
        context.emit(interaction);
        request.reset();
        response.reset();
        inTurn = false;
        firstResponseAt = -1;
    }
}
