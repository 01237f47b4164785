package dev.chaostesting.internal.proxy;

import dev.chaostesting.internal.fault.ConnectionFaults;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One connection run in line: its protocol is detected from the first bytes (held until then), and if its codec can
 * work in line ({@link InlineCodec}) every later byte goes through the codec's handler, which decides what is sent;
 * otherwise, or when the handler fails, the bytes pass through unchanged. What the handler sends still goes through the
 * TCP-level faults of its direction.
 */
final class InlinePath implements InlineContext {

    private static final System.Logger LOG = System.getLogger(InlinePath.class.getName());

    /** Detection gives up after this many bytes from the side that spoke first. */
    private static final int SNIFF_LIMIT = 4096;

    private record Held(Side side, byte[] bytes) {}

    private final ProxiedConnection connection;
    private final ConnectionInfo info;
    private final Codecs codecs;
    private final ConnectionFaults faults;
    private final List<Held> held = new ArrayList<>();
    private @Nullable Side firstSide;
    private int firstSideBytes;
    private @Nullable InlineHandler handler;
    private String protocol = "";
    private boolean passThrough;
    private boolean sentInCall;

    private final ProxyServer proxy;

    InlinePath(
            ProxiedConnection connection,
            ConnectionInfo info,
            Codecs codecs,
            ConnectionFaults faults,
            ProxyServer proxy) {
        this.proxy = proxy;
        this.connection = connection;
        this.info = info;
        this.codecs = codecs;
        this.faults = faults;
    }

    /** Bytes read from one side: this path owns the buffer. */
    void onData(Side from, ByteBuf bytes) {
        if (passThrough) {
            if (from == Side.SERVER) {
                connection.observeSentToClient(bytes);
            }
            connection.deliver(from, bytes);
            return;
        }
        try {
            if (handler != null) {
                handle(from, bytes.nioBuffer().asReadOnlyBuffer());
                return;
            }
            var copy = new byte[bytes.readableBytes()];
            bytes.getBytes(bytes.readerIndex(), copy);
            held.add(new Held(from, copy));
            if (firstSide == null) {
                firstSide = from;
            }
            if (from == firstSide) {
                firstSideBytes += copy.length;
                detect();
            }
        } finally {
            // Everything kept or sent from here on is a copy.
            bytes.release();
        }
    }

    /** One side ended: a connection that ends while its protocol is unknown passes what was held. */
    void onEnd(Side from) {
        if (handler == null && !passThrough) {
            choose(null);
        }
        var h = handler;
        if (h != null && !passThrough) {
            try {
                h.onEnd(from);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    private void detect() {
        var first = ByteBuffer.allocate(firstSideBytes);
        for (var h : held) {
            if (h.side() == firstSide) {
                first.put(h.bytes());
            }
        }
        first.flip();
        ProtocolCodec chosen = null;
        boolean undecided = false;
        for (var codec : codecs.all()) {
            Detection d;
            try {
                d = codec.detect(firstSide, first.asReadOnlyBuffer());
            } catch (RuntimeException e) {
                d = Detection.NO_MATCH;
            }
            if (d == Detection.MATCH) {
                if (chosen == null
                        || (!chosen.portHints().contains(info.serverPort())
                                && codec.portHints().contains(info.serverPort()))) {
                    chosen = codec;
                }
            } else if (d == Detection.NEED_MORE) {
                undecided = true;
            }
        }
        if (chosen != null || !undecided || firstSideBytes >= SNIFF_LIMIT) {
            choose(chosen);
        }
    }

    private void choose(@Nullable ProtocolCodec codec) {
        var replay = List.copyOf(held);
        held.clear();
        if (codec instanceof InlineCodec inline) {
            protocol = codec.name();
            try {
                handler = inline.newInlineHandler(this);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "in-line handler of " + protocol + " failed to start: " + e, e);
            }
        }
        if (handler == null) {
            passThrough = true;
            for (var h : replay) {
                send(h.side().other(), ByteBuffer.wrap(h.bytes()));
            }
            return;
        }
        for (var h : replay) {
            handle(h.side(), ByteBuffer.wrap(h.bytes()).asReadOnlyBuffer());
            if (passThrough) {
                return;
            }
        }
    }

    private void handle(Side from, ByteBuffer data) {
        sentInCall = false;
        try {
            handler.onData(from, data);
        } catch (RuntimeException e) {
            failed(e);
            // Bytes of this call the handler had not passed on go through unchanged (when it had sent none of them).
            if (!sentInCall) {
                send(from.other(), ByteBuffer.wrap(copyOf(data)));
            }
        }
    }

    /** A handler must never break the traffic: from now on the connection passes through unchanged. */
    private void failed(RuntimeException e) {
        passThrough = true;
        LOG.log(Level.WARNING, "in-line handler of " + protocol + " failed; passing the connection through: " + e, e);
    }

    private static byte[] copyOf(ByteBuffer data) {
        var d = data.duplicate();
        d.rewind();
        var out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    // InlineContext

    @Override
    public ConnectionInfo connection() {
        return info;
    }

    @Override
    public List<ActiveFault> faults() {
        return faults.protocolFaults(protocol, System.nanoTime());
    }

    @Override
    public void send(Side to, ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return;
        }
        sentInCall = true;
        var copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        var buf = Unpooled.wrappedBuffer(copy);
        if (to == Side.CLIENT) {
            connection.observeSentToClient(buf);
        }
        connection.deliver(to.other(), buf);
        connection.flushTo(to);
    }

    @Override
    public void close(boolean reset) {
        if (reset) {
            connection.resetBothByFault();
        } else {
            connection.closeBothByFault();
        }
    }

    @Override
    public void acted(String faultName) {
        faults.noteActed(faultName);
    }

    @Override
    public void schedule(java.time.Duration delay, Runnable action) {
        connection
                .channel(Side.CLIENT)
                .eventLoop()
                .schedule(action, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public java.net.InetSocketAddress listenerFor(java.net.InetSocketAddress upstream) {
        return proxy.listenerFor(upstream);
    }
}
