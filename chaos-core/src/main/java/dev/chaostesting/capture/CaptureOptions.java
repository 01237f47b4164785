package dev.chaostesting.capture;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Redaction;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How a capture is imported. Immutable: every method returns a new instance.
 *
 * <pre>{@code
 * var options = CaptureOptions.defaults().onlyPorts(5432).direction(Direction.OUTBOUND).maxBodyBytes(64 * 1024);
 * }</pre>
 */
public final class CaptureOptions {

    /** The default for {@link #maxBufferedBytes(int)}: 4 MiB. */
    public static final int DEFAULT_MAX_BUFFERED_BYTES = 4 << 20;

    private static final CaptureOptions DEFAULTS = new CaptureOptions(
            Set.of(),
            Direction.INBOUND,
            Interceptor.DEFAULT_MAX_RECORDED_BODY_BYTES,
            Redaction.defaults(),
            null,
            DEFAULT_MAX_BUFFERED_BYTES);

    private final Set<Integer> ports;
    private final Direction direction;
    private final int maxBodyBytes;
    private final Redaction redaction;
    private final @Nullable String protocol;
    private final int maxBufferedBytes;

    private CaptureOptions(
            Set<Integer> ports,
            Direction direction,
            int maxBodyBytes,
            Redaction redaction,
            @Nullable String protocol,
            int maxBufferedBytes) {
        this.ports = ports;
        this.direction = direction;
        this.maxBodyBytes = maxBodyBytes;
        this.redaction = redaction;
        this.protocol = protocol;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /**
     * Every TCP connection, recorded as {@code inbound}, bodies up to 1 MiB, secrets redacted, protocols detected, up to
     * 4 MiB of out-of-order data held per connection.
     */
    public static CaptureOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Imports only connections with one of these ports at either end (like tcpdump's {@code port N}); with none, every
     * connection. A side on one of these ports is also taken for the server of a connection whose SYN the capture
     * missed.
     */
    public CaptureOptions onlyPorts(int... ports) {
        var set = new TreeSet<Integer>();
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "port: " + port + " in " + Arrays.toString(ports) + " (expected: 1 to 65535)");
            }
            set.add(port);
        }
        return new CaptureOptions(Set.copyOf(set), direction, maxBodyBytes, redaction, protocol, maxBufferedBytes);
    }

    /**
     * Whether the captured servers are the observed service ({@code INBOUND}, the default) or its dependencies
     * ({@code OUTBOUND}), as written in every interaction.
     */
    public CaptureOptions direction(Direction direction) {
        Objects.requireNonNull(direction, "direction");
        return new CaptureOptions(ports, direction, maxBodyBytes, redaction, protocol, maxBufferedBytes);
    }

    /** The most bytes of one body to record; longer bodies are recorded truncated and marked so. */
    public CaptureOptions maxBodyBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + bytes + " (expected: >= 0)");
        }
        return new CaptureOptions(ports, direction, bytes, redaction, protocol, maxBufferedBytes);
    }

    /** Which secrets to remove before anything is stored; {@link Redaction#defaults()} unless set. */
    public CaptureOptions redaction(Redaction redaction) {
        Objects.requireNonNull(redaction, "redaction");
        return new CaptureOptions(ports, direction, maxBodyBytes, redaction, protocol, maxBufferedBytes);
    }

    /**
     * Decodes every connection as this protocol instead of detecting it: a codec's name (e.g. {@code http}) or
     * {@code tcp} for raw recording. Checked when the import starts.
     */
    public CaptureOptions protocol(String name) {
        Objects.requireNonNull(name, "name");
        return new CaptureOptions(ports, direction, maxBodyBytes, redaction, name, maxBufferedBytes);
    }

    /**
     * The most out-of-order bytes held for one connection while waiting for a missing segment. Beyond it the missing
     * range is declared a gap (lost from the capture) and the held bytes are passed on. Holes the peer acknowledged are
     * declared at once whatever this limit, so it matters only for captures that reorder packets heavily.
     */
    public CaptureOptions maxBufferedBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxBufferedBytes: " + bytes + " (expected: >= 0)");
        }
        return new CaptureOptions(ports, direction, maxBodyBytes, redaction, protocol, bytes);
    }

    /** The ports asked for, or an empty set for every connection. */
    public Set<Integer> ports() {
        return ports;
    }

    public Direction direction() {
        return direction;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public Redaction redaction() {
        return redaction;
    }

    /** The protocol every connection is decoded as, or null to detect it. */
    public @Nullable String protocol() {
        return protocol;
    }

    public int maxBufferedBytes() {
        return maxBufferedBytes;
    }

    @Override
    public String toString() {
        return "CaptureOptions[ports=" + ports + ", direction=" + direction.wireName() + ", maxBodyBytes="
                + maxBodyBytes + ", redaction=" + redaction + ", protocol=" + protocol + ", maxBufferedBytes="
                + maxBufferedBytes + "]";
    }
}
