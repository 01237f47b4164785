package dev.chaostesting.bench;

import dev.chaostesting.capture.CaptureOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one operation decodes a whole captured corpus with the capture import (detection and every codec on the class
 * path) into a counting sink, the same work as {@link CodecCorpusBench}. Throughput in corpora per second: multiply by
 * the pcap's size for MB/s. bench/codecs.sh runs it with {@code BENCH_JMH=1}:
 *
 * <pre>
 * java -cp chaos-bench.jar org.openjdk.jmh.Main CodecDecodeBenchmark -p pcap=FILE -p port=N
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class CodecDecodeBenchmark {

    /** The corpus: a pcap file. */
    @Param("")
    public String pcap;

    /** The server port the corpus was captured on. */
    @Param("0")
    public int port;

    private byte[] bytes;
    private CaptureOptions options;

    @Setup(Level.Trial)
    public void load() throws IOException {
        if (pcap.isEmpty() || port < 1) {
            throw new IllegalArgumentException("set -p pcap=FILE -p port=N");
        }
        bytes = Files.readAllBytes(Path.of(pcap));
        options = CaptureOptions.defaults().onlyPorts(port);
    }

    @Benchmark
    public long decode() throws IOException {
        var sink = new CodecCorpusBench.CountingSink();
        CodecCorpusBench.decode(bytes, options, sink);
        return sink.total;
    }
}
