package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.recording.Har;
import dev.chaostesting.recording.Recording;
import java.io.BufferedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        description = "Start the bundled example backend, drive realistic traffic through the interceptor, record it,"
                + " summarise it and write a HAR file. No set-up needed.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--output",
            defaultValue = "chaos-demo",
            paramLabel = "DIR",
            description = "Where to write the recording and the HAR file (default: ${DEFAULT-VALUE}).")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        var recordingDir = output.resolve("recording-" + stamp);
        var harFile = output.resolve("recording-" + stamp + ".har");
        Files.createDirectories(output);

        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            out.printf("1. started the example bookshop service on %s%n", service.baseUri());
            DemoTraffic.Summary traffic;
            try (var interceptor =
                    Interceptor.onPort(service.port()).recordTo(recordingDir).start()) {
                out.printf(
                        "2. intercepting it through a proxy on 127.0.0.1:%d, recording to %s%n",
                        interceptor.port(), recordingDir);
                traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + interceptor.port()));
                out.printf(
                        "3. drove %d requests through the proxy (log in, create, list, fetch, update, review, delete, errors)%n",
                        traffic.requests());
                if (!interceptor.recording().awaitCount(traffic.requests(), Duration.ofSeconds(10))) {
                    throw new Errors.UserError("only " + interceptor.recording().count() + " of " + traffic.requests()
                            + " requests were recorded: the recorder fell behind");
                }
            }
            if (!traffic.clean()) {
                out.println("   the service deviated from its documented behaviour: "
                        + String.join("; ", traffic.unexpected()));
            }
        }

        var recording = Recording.open(recordingDir);
        out.printf("%n4. what was recorded (chaos-testing inspect --input=%s):%n%n", recordingDir);
        var summary = new Summary();
        try (var stream = recording.stream()) {
            stream.forEach(summary::add);
        }
        summary.print(out);

        long entries;
        try (var stream = recording.stream();
                var file = new BufferedOutputStream(Files.newOutputStream(harFile))) {
            entries = Har.write(stream.iterator(), file);
        }
        out.printf(
                "%n5. wrote %d HAR entries to %s (open it in a browser's devtools or any HAR viewer)%n",
                entries, harFile);
        out.printf("%nSecrets (the password, the token, the Authorization header) are redacted in both.%n");
        out.printf(
                "Next: 'chaos-testing export --input=%s --format=jsonl --output=-' shows every field.%n", recordingDir);
        out.flush();
        return 0;
    }
}
