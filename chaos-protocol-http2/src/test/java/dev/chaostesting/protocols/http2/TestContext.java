package dev.chaostesting.protocols.http2;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A decoder context that keeps what is emitted and the fail-open reasons, for decoders driven directly. */
final class TestContext implements DecoderContext {

    private final List<Interaction> emitted;
    private final List<String> failures;

    TestContext(List<Interaction> emitted, List<String> failures) {
        this.emitted = emitted;
        this.failures = failures;
    }

    @Override
    public ConnectionInfo connection() {
        return Feed.CONNECTION;
    }

    @Override
    public int maxBodyBytes() {
        return 1 << 20;
    }

    @Override
    public Interaction.Builder newInteraction(String protocol, long startedAtMicros) {
        return Interaction.builder()
                .protocol(protocol)
                .connection("c1")
                .client(Feed.CONNECTION.client())
                .server(Feed.CONNECTION.server())
                .startedAt(Instant.EPOCH.plusNanos(startedAtMicros * 1000));
    }

    @Override
    public void emit(Interaction.Builder interaction) {
        emitted.add(interaction.build());
    }

    @Override
    public StreamDecoder switchToRaw(Map<String, String> attributes) {
        throw new AssertionError("no switch to raw expected");
    }

    @Override
    public void failOpen(String reason, ByteBuffer unparsedClient, ByteBuffer unparsedServer) {
        failures.add(reason);
    }
}
