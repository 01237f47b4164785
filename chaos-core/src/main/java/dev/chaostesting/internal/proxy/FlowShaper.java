package dev.chaostesting.internal.proxy;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.internal.fault.ConnectionFaults;
import dev.chaostesting.spi.Side;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The faults of one direction of one proxied connection, between reading and writing: chunks wait in a queue until
 * their release time, which latency, bandwidth, slicing and stalls push back; the queue is first in, first out and
 * release times never decrease, so bytes keep their order whatever faults come and go. Runs on the connection's event
 * loop; waiting is a scheduled task, never a blocked thread.
 */
final class FlowShaper {

    /** Above this many queued bytes the sending side stops being read (and resumes below the low mark). */
    static final long HIGH_WATER = 1024 * 1024;

    static final long LOW_WATER = 256 * 1024;

    private record Pending(ByteBuf bytes, long releaseAtNanos, boolean closeAfter) {}

    private final ProxiedConnection connection;
    private final Side from;
    private final ConnectionFaults faults;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long lastReleaseNanos;
    private long bandwidthFreeAtNanos;
    /** Bytes let through so far (for limit data): written, or queued to be. */
    private long passedBytes;

    private boolean limitReached;
    private boolean timeoutScheduled;
    private boolean resetScheduled;
    private @Nullable ScheduledFuture<?> timer;
    private @Nullable Runnable whenDrained;
    private boolean paused;

    FlowShaper(ProxiedConnection connection, Side from, ConnectionFaults faults) {
        this.connection = connection;
        this.from = from;
        this.faults = faults;
    }

    /** Whether bytes are waiting: a new chunk must queue behind them even if no fault applies to it. */
    boolean busy() {
        return !queue.isEmpty();
    }

    /** Takes a chunk read from {@link #from}; it owns the buffer from here on. */
    void submit(ByteBuf bytes, List<ConnectionFaults.Active> effects) {
        long now = System.nanoTime();
        if (limitReached) {
            bytes.release();
            return;
        }
        long release = Math.max(now, lastReleaseNanos);
        int sliceBytes = Integer.MAX_VALUE;
        long sliceGapNanos = 0;
        int sliceVariation = 0;
        long bandwidth = 0;
        long limit = Long.MAX_VALUE;
        var random = faults.random();
        for (var active : effects) {
            var effect = active.effect();
            if (effect instanceof Effect.BlackHole hole) {
                bytes.release();
                if (!hole.closeAfter().isZero() && !timeoutScheduled) {
                    timeoutScheduled = true;
                    later(hole.closeAfter().toNanos(), connection::closeBothByFault);
                }
                return;
            } else if (effect instanceof Effect.Reset reset) {
                if (!resetScheduled) {
                    resetScheduled = true;
                    long at = active.sinceNanos() + reset.after().toNanos();
                    if (at <= now) {
                        bytes.release();
                        connection.resetBothByFault();
                        return;
                    }
                    later(at - now, connection::resetBothByFault);
                }
            } else if (effect instanceof Effect.Stall stall) {
                release =
                        Math.max(release, active.sinceNanos() + stall.duration().toNanos());
            } else if (effect instanceof Effect.Latency latency) {
                release = Math.max(release, now + delay(latency, random));
            } else if (effect instanceof Effect.Bandwidth b) {
                bandwidth = bandwidth == 0 ? b.bytesPerSecond() : Math.min(bandwidth, b.bytesPerSecond());
            } else if (effect instanceof Effect.Slicer slicer) {
                sliceBytes = Math.min(sliceBytes, slicer.averageBytes());
                sliceVariation = slicer.variationBytes();
                sliceGapNanos = Math.max(sliceGapNanos, slicer.delay().toNanos());
            } else if (effect instanceof Effect.LimitData l) {
                limit = Math.min(limit, l.bytes());
            }
        }
        if (bandwidth > 0) {
            // Slices of about 50 ms of the rate keep the pace even rather than one burst per chunk.
            sliceBytes = (int) Math.min(sliceBytes, Math.max(1024, bandwidth / 20));
        }
        boolean closeAfter = false;
        if (passedBytes + bytes.readableBytes() >= limit) {
            int keep = (int) Math.max(0, limit - passedBytes);
            var kept = bytes.readRetainedSlice(keep);
            bytes.release();
            bytes = kept;
            closeAfter = true;
            limitReached = true;
        }
        passedBytes += bytes.readableBytes();
        if (sliceBytes == Integer.MAX_VALUE && bandwidth == 0) {
            enqueue(bytes, release, closeAfter);
        } else {
            boolean first = true;
            while (bytes.isReadable() || first) {
                int size = sliceBytes == Integer.MAX_VALUE ? bytes.readableBytes() : sliceBytes;
                if (sliceVariation > 0) {
                    size += random.nextInt(-sliceVariation, sliceVariation + 1);
                }
                size = Math.max(1, Math.min(size, bytes.readableBytes()));
                var slice = bytes.isReadable() ? bytes.readRetainedSlice(size) : bytes.retainedSlice();
                if (!first) {
                    release += sliceGapNanos;
                }
                if (bandwidth > 0) {
                    long start = Math.max(release, bandwidthFreeAtNanos);
                    bandwidthFreeAtNanos = start + slice.readableBytes() * 1_000_000_000L / bandwidth;
                    release = start;
                }
                first = false;
                enqueue(slice, release, closeAfter && !bytes.isReadable());
            }
            bytes.release();
        }
        if (timer == null) {
            drain();
        }
    }

    /** Runs {@code action} once everything queued has been written (at once when nothing is). */
    void whenDrained(Runnable action) {
        if (queue.isEmpty()) {
            action.run();
        } else {
            whenDrained = action;
        }
    }

    /** Whether reading the sending side is paused because too much is queued here. */
    boolean holdsReading() {
        return paused;
    }

    /** Frees what is queued: the connection is gone. */
    void discard() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (var p : queue) {
            p.bytes().release();
        }
        queue.clear();
        queuedBytes = 0;
        whenDrained = null;
    }

    private void enqueue(ByteBuf bytes, long releaseAtNanos, boolean closeAfter) {
        lastReleaseNanos = releaseAtNanos;
        queue.add(new Pending(bytes, releaseAtNanos, closeAfter));
        queuedBytes += bytes.readableBytes();
        if (queuedBytes > HIGH_WATER && !paused) {
            paused = true;
            connection.channel(from).config().setAutoRead(false);
        }
    }

    private void onTimer() {
        timer = null;
        drain();
    }

    private void drain() {
        var peer = connection.peer(from);
        long now = System.nanoTime();
        boolean wrote = false;
        while (!queue.isEmpty() && queue.peek().releaseAtNanos() <= now) {
            var p = queue.poll();
            queuedBytes -= p.bytes().readableBytes();
            if (peer != null && peer.isActive()) {
                peer.write(p.bytes(), peer.voidPromise());
                wrote = true;
            } else {
                p.bytes().release();
            }
            if (p.closeAfter()) {
                if (wrote) {
                    peer.flush();
                }
                discard();
                connection.closeBothByFault();
                return;
            }
        }
        if (wrote) {
            peer.flush();
        }
        if (paused && queuedBytes < LOW_WATER && (peer == null || peer.isWritable())) {
            paused = false;
            connection.channel(from).config().setAutoRead(true);
        }
        if (!queue.isEmpty()) {
            if (timer == null) {
                timer = later(queue.peek().releaseAtNanos() - now, this::onTimer);
            }
        } else if (whenDrained != null) {
            var action = whenDrained;
            whenDrained = null;
            action.run();
        }
    }

    private ScheduledFuture<?> later(long delayNanos, Runnable task) {
        Channel channel = connection.channel(from);
        return channel.eventLoop().schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private static long delay(Effect.Latency latency, java.util.SplittableRandom random) {
        long base = latency.delay().toNanos();
        long jitter = latency.jitter().toNanos();
        if (jitter == 0) {
            return base;
        }
        long d = switch (latency.distribution()) {
            case UNIFORM -> base + random.nextLong(-jitter, jitter + 1);
            case NORMAL -> base + (long) (nextGaussian(random) * jitter);
        };
        return Math.max(0, d);
    }

    private static double nextGaussian(java.util.SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
