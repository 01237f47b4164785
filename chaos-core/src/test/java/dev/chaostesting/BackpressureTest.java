package dev.chaostesting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.testing.TcpServers;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BackpressureTest {

    private static final long GIB = 1L << 30;
    /** Socket buffers on both legs plus the proxy's high water mark, with a wide margin. */
    private static final long IN_FLIGHT_BOUND = 48L << 20;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void a_slow_reader_holds_back_the_sender_and_the_proxy_buffers_a_bounded_amount() throws Exception {
        var written = new AtomicLong();
        try (var server = TcpServers.start(s -> {
                    var out = s.getOutputStream();
                    var chunk = new byte[64 * 1024];
                    for (long sent = 0; sent < GIB; sent += chunk.length) {
                        fill(chunk, sent);
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    s.shutdownOutput();
                });
                var proxy = Interceptor.onPort(server.port()).record().start();
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setReceiveBufferSize(64 * 1024);
            var in = socket.getInputStream();

            Thread.sleep(1500);
            assertThat(written.get())
                    .as("bytes the server got out while nobody read")
                    .isLessThan(IN_FLIGHT_BOUND);

            long read = 0;
            long maxInFlight = 0;
            var buf = new byte[256 * 1024];
            var expected = new byte[buf.length];
            long slowUntil = read + (64L << 20);
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                verify(buf, n, read, expected);
                read += n;
                maxInFlight = Math.max(maxInFlight, written.get() - read);
                if (read < slowUntil) {
                    Thread.sleep(1);
                }
            }
            assertThat(read).isEqualTo(GIB);
            assertThat(maxInFlight)
                    .as("bytes between the server and the slow reader")
                    .isLessThan(IN_FLIGHT_BOUND);
        }
    }

    private static void fill(byte[] chunk, long offset) {
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = patternAt(offset + i);
        }
    }

    private static byte patternAt(long position) {
        return (byte) (position * 31 + (position >>> 16));
    }

    private static void verify(byte[] buf, int n, long offset, byte[] scratch) {
        for (int i = 0; i < n; i++) {
            if (buf[i] != patternAt(offset + i)) {
                throw new AssertionError("byte " + (offset + i) + " differs");
            }
        }
    }
}
