package dev.chaostesting.internal.observe;

import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.BodyCollector;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Records traffic no codec understood, as turns: what the client sent until the server answered, and what the server
 * sent until the client spoke again. A server that speaks first gives a turn with an empty request.
 */
final class RawTcpDecoder implements StreamDecoder {

    private final DecoderContext context;
    private final BodyCollector request;
    private final BodyCollector response;
    private final Map<String, String> attributes;
    private @Nullable String note;
    private boolean tlsChecked;
    private boolean tls;
    private boolean inTurn;
    private long startedAt;
    private long firstResponseAt = -1;
    private long lastAt;
    private boolean serverEnded;

    /**
     * @param note why decoding gave up, recorded on the first turn only; null when nothing went wrong
     * @param attributes recorded on every turn, e.g. {@code tunnel=websocket}
     */
    RawTcpDecoder(DecoderContext context, @Nullable String note, Map<String, String> attributes) {
        this.context = context;
        this.attributes = Map.copyOf(attributes);
        this.request = new BodyCollector(context.maxBodyBytes());
        this.response = new BodyCollector(context.maxBodyBytes());
        this.note = note;
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        if (!data.hasRemaining()) {
            return;
        }
        if (!tlsChecked && side == Side.CLIENT) {
            tlsChecked = true;
            tls = data.remaining() >= 2 && data.get(data.position()) == 0x16 && data.get(data.position() + 1) == 0x03;
        }
        if (side == Side.CLIENT && response.size() > 0) {
            emit(null);
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

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (reset) {
            emit((side == Side.CLIENT ? "client" : "server") + " reset the connection");
            return;
        }
        if (side == Side.SERVER) {
            serverEnded = true;
        }
        // A client that half-closed may still get its answer; the turn ends when the server is done.
        if (side == Side.SERVER || serverEnded) {
            emit(null);
        }
    }

    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        var gap = missingBytes + " bytes missing from the " + (side == Side.CLIENT ? "client" : "server");
        note = note == null ? gap : note + "; " + gap;
        return true;
    }

    /** Records the turn in progress now, as the end of the connection would. */
    void flush() {
        emit(null);
    }

    private void emit(@Nullable String error) {
        if (!inTurn) {
            return;
        }
        var interaction = context.newInteraction(Codecs.RAW_TCP, startedAt)
                .timeToFirstByteMicros(firstResponseAt < 0 ? -1 : firstResponseAt - startedAt)
                .durationMicros(lastAt - startedAt)
                .requestBytes(request.size())
                .responseBytes(response.size())
                .request(request.size() > 0 ? new TcpData(request.toBody()) : null)
                .response(response.size() > 0 ? new TcpData(response.toBody()) : null)
                .error(error);
        attributes.forEach(interaction::attribute);
        if (note != null) {
            interaction.attribute("decodeError", note);
            note = null;
        }
        if (tls) {
            interaction.attribute("tls", "true");
        }
        context.emit(interaction);
        request.reset();
        response.reset();
        inTurn = false;
        firstResponseAt = -1;
    }
}
