package dev.chaostesting.junit.compat;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs {@link CompatExamples} with the JUnit on this class's class path and describes the outcome with plain strings,
 * so that a caller in another class loader (with another JUnit) can read it.
 */
public final class CompatRun {

    private CompatRun() {}

    /** Outcome by test name ({@code slow=SUCCESSFUL}, {@code failing=FAILED: message}), plus {@code jupiter=<version>}. */
    public static Map<String, String> run() throws IOException {
        var out = new TreeMap<String, String>();
        out.put(
                "jupiter",
                String.valueOf(org.junit.jupiter.api.Test.class.getPackage().getImplementationVersion()));
        CompatExamples.PORTS.clear();
        try (var echo = TcpServers.echo()) {
            var port = Integer.toString(echo.port());
            System.setProperty("chaos.compat.echo.port", port);
            var transport = System.getProperty("chaos.transport");
            try {
                collect(out, run(CompatExamples.Declarative.class, port));
                collect(out, run(CompatExamples.Programmatic.class, port));
                System.setProperty("chaos.transport", "nio");
                collect(out, run(CompatExamples.Transparent.class, port));
            } finally {
                System.clearProperty("chaos.compat.echo.port");
                if (transport == null) {
                    System.clearProperty("chaos.transport");
                } else {
                    System.setProperty("chaos.transport", transport);
                }
            }
        }
        var busy = new ArrayList<Integer>();
        for (int p : CompatExamples.PORTS) {
            try (var s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            } catch (IOException e) {
                busy.add(p);
            }
        }
        out.put("ports", CompatExamples.PORTS.size() + " seen, busy after the run: " + busy);
        return out;
    }

    private static Iterable<Event> run(Class<?> example, String port) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("echo.port", port)
                .selectors(selectClass(example))
                .execute()
                .testEvents()
                .finished()
                .stream()
                .toList();
    }

    private static void collect(Map<String, String> out, Iterable<Event> finished) {
        for (var e : finished) {
            var result = e.getPayload(TestExecutionResult.class).orElseThrow();
            var name = e.getTestDescriptor().getDisplayName().replace("()", "").replaceAll("\\(.*\\)", "");
            var message = result.getThrowable().map(t -> ": " + t.getMessage()).orElse("");
            out.put(name, result.getStatus() + message);
        }
    }
}
