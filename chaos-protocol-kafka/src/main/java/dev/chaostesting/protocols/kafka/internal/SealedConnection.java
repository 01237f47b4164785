package dev.chaostesting.protocols.kafka.internal;

import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The rest of a connection on which decoding stopped while SASL credentials may be on the wire: its bytes are only
 * counted (raw TCP would keep them), and recorded at the end as one interaction whose {@code raw} is redacted.
 */
final class SealedConnection {

    private final String reason;
    private final long firstAt;
    private long lastAt;
    private long clientBytes;
    private long serverBytes;
    private boolean clientEnded;
    private boolean serverEnded;

    SealedConnection(String reason, long firstAt, long clientBytes, long serverBytes) {
        this.reason = reason;
        this.firstAt = firstAt;
        this.lastAt = firstAt;
        this.clientBytes = clientBytes;
        this.serverBytes = serverBytes;
    }

    void count(Side side, ByteBuffer data, long atMicros) {
        if (side == Side.CLIENT) {
            clientBytes += data.remaining();
        } else {
            serverBytes += data.remaining();
        }
        data.position(data.limit());
        lastAt = Math.max(lastAt, atMicros);
    }

    /** Notes one side's end; once both ended, emits the interaction and returns true. */
    boolean end(Side side, boolean reset, long atMicros, DecoderContext context) {
        if (reset || side == Side.CLIENT) {
            clientEnded = true;
        }
        if (reset || side == Side.SERVER) {
            serverEnded = true;
        }
        if (!clientEnded || !serverEnded) {
            return false;
        }
        var redacted = StructuredMessage.of(Map.of("raw", MessageTree.REDACTED));
        context.emit(context.newInteraction("kafka", firstAt)
                .timeToFirstByteMicros(-1)
                .durationMicros(Math.max(lastAt, atMicros) - firstAt)
                .requestBytes(clientBytes)
                .responseBytes(serverBytes)
                .request(redacted)
                .response(serverBytes > 0 ? redacted : null)
                .attribute("decodeError", reason));
        return true;
    }
}
