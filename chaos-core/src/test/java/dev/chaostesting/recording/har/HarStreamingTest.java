package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Export and import stream: interactions are produced, written and read one at a time, never all held at once. */
class HarStreamingTest {

    private static final int COUNT = 100_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void writes100kInteractionsAsTheyAreProduced() throws IOException {
        var out = new CountingOutputStream();
        var generator = new Generator(COUNT, out);
        long started = System.nanoTime();

        long written = Har.write(generator, out);

        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("wrote %,d HAR entries (%,d bytes) in %,d ms%n", written, out.count, millis);
        assertThat(written).isEqualTo(COUNT);
        // output left before the last interaction was even produced: entries are not collected first
        assertThat(generator.bytesOutWhenLastWasProduced).isGreaterThan(out.count * 9 / 10);
        // interactions already written are garbage: the writer keeps no reference to them
        assertThat(generator.collectedEarlyOnes)
                .as("early interactions collected mid-way")
                .isTrue();
        assertThat(millis).isLessThan(20_000);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void reads100kEntriesAsTheyArrive() throws Exception {
        var pipe = new PipedInputStream(1 << 16);
        var sink = new PipedOutputStream(pipe);
        var writer = CompletableFuture.supplyAsync(() -> {
            try (sink) {
                return Har.write(new Generator(COUNT, null), sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        long started = System.nanoTime();
        long[] last = {0};

        long read = Har.read(pipe, "pipe", i -> {
            assertThat(i.sequence()).isEqualTo(last[0] + 1);
            last[0] = i.sequence();
        });

        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("wrote and read back %,d HAR entries through a pipe in %,d ms%n", read, millis);
        assertThat(writer.get()).isEqualTo(COUNT);
        assertThat(read).isEqualTo(COUNT);
        assertThat(millis).isLessThan(30_000);
    }

    /**
     * Builds each interaction when asked and keeps no reference to it: at most the one being written is alive. Weak
     * references to the first thousand show whether anything else holds on to them.
     */
    private static final class Generator implements Iterator<Interaction> {
        private static final Instant T0 = Instant.parse("2024-05-14T00:00:00Z");
        private final int count;
        private final CountingOutputStream out;
        private final List<WeakReference<Interaction>> early = new ArrayList<>();
        private int produced;
        long bytesOutWhenLastWasProduced;
        boolean collectedEarlyOnes;

        Generator(int count, CountingOutputStream out) {
            this.count = count;
            this.out = out;
        }

        @Override
        public boolean hasNext() {
            return produced < count;
        }

        @Override
        public Interaction next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            produced++;
            if (out != null && produced == count / 2) {
                collectedEarlyOnes = earlyOnesCollected();
            }
            if (out != null && produced == count) {
                bytesOutWhenLastWasProduced = out.count;
            }
            var interaction = Interaction.builder()
                    .sequence(produced)
                    .protocol("http")
                    .connection("c" + produced / 100)
                    .client("10.0.0.1:40000")
                    .server("10.0.0.2:8080")
                    .startedAt(T0.plusNanos(produced * 1_000L))
                    .timeToFirstByteMicros(produced % 1000)
                    .durationMicros(produced % 1000 + 250)
                    .request(HttpRequest.builder()
                            .target("/items/" + produced + "?q=" + (produced % 7))
                            .headers(Headers.of("Host", "api", "Accept", "application/json"))
                            .build())
                    .response(HttpResponse.builder()
                            .reason("OK")
                            .headers(Headers.of("Content-Type", "application/json"))
                            .body(Body.ofText("{\"id\":" + produced + "}"))
                            .build())
                    .build();
            if (out != null && produced <= 1000) {
                early.add(new WeakReference<>(interaction));
            }
            return interaction;
        }

        private boolean earlyOnesCollected() {
            for (int attempt = 0; attempt < 10; attempt++) {
                System.gc();
                if (early.stream().allMatch(ref -> ref.get() == null)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
