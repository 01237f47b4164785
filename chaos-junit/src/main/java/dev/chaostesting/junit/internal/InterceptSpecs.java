package dev.chaostesting.junit.internal;

import dev.chaostesting.Interceptor;
import dev.chaostesting.junit.Intercept;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;

/** Turns {@link Intercept} annotations into interceptor configurations. */
public final class InterceptSpecs {

    /** What to start: a name, the configuration, whether it is transparent, and where it was declared. */
    public record Spec(String name, Interceptor config, boolean transparent, String origin) {}

    /** Base directory of recordings written to disk; configuration parameter or system property. */
    public static final String RECORDINGS_DIR = "chaos.recordings.dir";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    private static final Set<Path> USED_THIS_RUN = ConcurrentHashMap.newKeySet();

    private InterceptSpecs() {}

    /**
     * The interceptors declared directly on {@code element} (a test class or method).
     *
     * @param lookup configuration parameters (then system properties) for placeholders and the recordings directory
     */
    public static List<Spec> read(
            AnnotatedElement element, Class<?> testClass, Function<String, @Nullable String> lookup) {
        var out = new ArrayList<Spec>();
        for (var a : AnnotationSupport.findRepeatableAnnotations(element, Intercept.class)) {
            out.add(spec(a, element, testClass, lookup));
        }
        return out;
    }

    private static Spec spec(
            Intercept a, AnnotatedElement element, Class<?> testClass, Function<String, @Nullable String> lookup) {
        var origin = "@Intercept on " + describe(element);
        try {
            InetSocketAddress target;
            if (!a.target().isEmpty() && a.port() != 0) {
                throw new IllegalArgumentException("port and target both set (expected: one of them)");
            } else if (!a.target().isEmpty()) {
                target = parseTarget(resolve(a.target(), lookup));
            } else if (a.port() > 0) {
                target = new InetSocketAddress(InetAddress.getLoopbackAddress(), a.port());
            } else {
                throw new IllegalArgumentException("no target (expected: port = N or target = \"host:port\")");
            }
            var name = a.name().isEmpty() ? Integer.toString(target.getPort()) : a.name();
            var config = Interceptor.forwardTo(target).direction(a.direction());
            if (a.listenPort() != 0) {
                config = config.listenOn(a.listenPort());
            }
            if (!a.protocol().isEmpty()) {
                config = config.protocol(a.protocol());
            }
            if (a.transparent()) {
                config = config.transparent();
            }
            if (a.seed() != Intercept.RANDOM_SEED) {
                config = config.seed(a.seed());
            }
            if (a.recordToDisk()) {
                config = config.recordTo(recordingDirectory(element, testClass, name, lookup));
            } else if (a.record()) {
                config = config.record();
            }
            return new Spec(name, config, a.transparent(), origin);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(origin + ": " + e.getMessage(), e);
        }
    }

    private static String resolve(String text, Function<String, @Nullable String> lookup) {
        Matcher m = PLACEHOLDER.matcher(text);
        var out = new StringBuilder();
        while (m.find()) {
            var value = lookup.apply(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(
                        "target: " + text + " (no configuration parameter or system property " + m.group(1) + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static InetSocketAddress parseTarget(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("target: " + text + " (expected: host:port)");
        }
        var host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target: " + text + " (expected: host:port)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target port: " + port + " (expected: 1..65535)");
        }
        return new InetSocketAddress(host, port);
    }

    /** {@code <base>/<class>/[<method>/]<name>}, a new directory for each use within a run. */
    private static Path recordingDirectory(
            AnnotatedElement element, Class<?> testClass, String name, Function<String, @Nullable String> lookup) {
        var baseText = lookup.apply(RECORDINGS_DIR);
        var dir = Path.of(baseText == null ? "target/chaos-recordings" : baseText)
                .resolve(testClass.getName().replace('$', '.'));
        if (element instanceof Method m) {
            dir = dir.resolve(m.getName());
        }
        var candidate = dir.resolve(safe(name));
        for (int n = 2; !USED_THIS_RUN.add(candidate.toAbsolutePath()); n++) {
            candidate = dir.resolve(safe(name) + "-" + n);
        }
        deleteOldRecording(candidate);
        return candidate;
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Removes a recording an earlier run left (only a directory holding a recording manifest). */
    private static void deleteOldRecording(Path dir) {
        if (!Files.exists(dir.resolve("recording.json"))) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the old recording " + dir, e);
        }
    }

    static String describe(AnnotatedElement element) {
        return FaultAnnotations.describe(element);
    }
}
