package dev.chaostesting.protocols.http;

import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.BodyCollector;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;

/** Records bytes of one side that never became an HTTP message (a head cut off by the end of the connection). */
final class RawTurns {

    private RawTurns() {}

    /** Emits one raw TCP interaction holding these bytes of one side. */
    static void emitOnce(
            DecoderContext context, Side side, ByteBuffer bytes, long startedAt, long lastAt, String problem) {
        if (!bytes.hasRemaining()) {
            return;
        }
        var collector = new BodyCollector(context.maxBodyBytes());
        collector.append(bytes);
        var data = new TcpData(collector.toBody());
        var interaction = context.newInteraction("tcp", startedAt)
                .durationMicros(Math.max(startedAt, lastAt) - startedAt)
                .error(problem);
        if (side == Side.CLIENT) {
            interaction.requestBytes(collector.size()).request(data);
        } else {
            interaction.responseBytes(collector.size()).response(data).timeToFirstByteMicros(0);
        }
        context.emit(interaction);
    }
}
