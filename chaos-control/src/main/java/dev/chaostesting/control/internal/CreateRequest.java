package dev.chaostesting.control.internal;

import dev.chaostesting.Interceptor;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.FaultSpecs;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Redaction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/interceptors}, read into an {@link Interceptor} configuration. Every field is checked
 * before anything starts, and a bad one is named in one line.
 *
 * @param mode {@code proxy}, {@code transparent} or {@code process}
 * @param config the configuration to start
 * @param faults the faults to inject once started (each gets an id)
 */
record CreateRequest(String mode, Interceptor config, List<Fault> faults) {

    static final Set<String> FIELDS = Set.of(
            "target",
            "port",
            "pid",
            "transparent",
            "listen",
            "record",
            "recordTo",
            "protocol",
            "direction",
            "seed",
            "maxRecordedBodyBytes",
            "redact",
            "connectTimeout",
            "closeExistingConnections",
            "protocolFaults",
            "faults");

    static CreateRequest parse(Map<String, Object> body, Consumer<String> log) {
        for (var key : body.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new ApiError(
                        400,
                        "unknown field '" + key + "' (expected: " + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        int given = (body.containsKey("target") ? 1 : 0)
                + (body.containsKey("port") ? 1 : 0)
                + (body.containsKey("pid") ? 1 : 0);
        if (given != 1) {
            throw new ApiError(
                    400,
                    "say what to intercept with exactly one of: target (\"host:port\"), port (a port on loopback),"
                            + " pid (a process)");
        }
        Interceptor config;
        String mode;
        if (body.containsKey("pid")) {
            config = Interceptor.onProcess(number(body, "pid", 1, Long.MAX_VALUE));
            mode = "process";
            if (body.containsKey("transparent") && !bool(body, "transparent")) {
                throw new ApiError(400, "transparent: false with pid (a process is always intercepted transparently)");
            }
            if (bool(body, "closeExistingConnections")) {
                config = config.closeExistingConnections();
            }
        } else {
            if (body.containsKey("closeExistingConnections")) {
                throw new ApiError(400, "closeExistingConnections: only with pid");
            }
            config = body.containsKey("port")
                    ? Interceptor.onPort((int) number(body, "port", 1, 65535))
                    : Interceptor.forwardTo(address(body, "target", false));
            mode = "proxy";
            if (bool(body, "transparent")) {
                config = config.transparent();
                mode = "transparent";
            }
        }
        if (body.containsKey("listen")) {
            config = body.get("listen") instanceof Number
                    ? config.listenOn((int) number(body, "listen", 0, 65535))
                    : config.listenOn(address(body, "listen", true));
        }
        var recordTo = string(body, "recordTo");
        if (recordTo != null) {
            if (body.containsKey("record") && !bool(body, "record")) {
                throw new ApiError(400, "record: false with recordTo (drop one of them)");
            }
            config = config.recordTo(Path.of(recordTo).toAbsolutePath().normalize());
        } else if (!body.containsKey("record") || bool(body, "record")) {
            config = config.record();
        }
        var protocol = string(body, "protocol");
        if (protocol != null) {
            config = config.protocol(protocol);
        }
        var direction = string(body, "direction");
        if (direction != null) {
            if (!direction.equals("inbound") && !direction.equals("outbound")) {
                throw new ApiError(400, "direction: '" + direction + "' (expected: inbound or outbound)");
            }
            config = config.direction(Direction.fromWireName(direction));
        }
        if (body.containsKey("seed")) {
            config = config.seed(seed(body.get("seed")));
        }
        if (bool(body, "protocolFaults")) {
            config = config.protocolFaults();
        }
        if (body.containsKey("maxRecordedBodyBytes")) {
            config = config.maxRecordedBodyBytes((int) number(body, "maxRecordedBodyBytes", 0, Integer.MAX_VALUE));
        }
        if (body.containsKey("redact") && !bool(body, "redact")) {
            config = config.redaction(Redaction.none());
        }
        var connectTimeout = string(body, "connectTimeout");
        if (connectTimeout != null) {
            config = config.connectTimeout(FaultSpecs.parseDuration(connectTimeout));
        }
        List<Fault> faults = List.of();
        if (body.containsKey("faults")) {
            faults = Endpoints.faultList(body.get("faults"), "faults");
        }
        return new CreateRequest(mode, config.log(log), faults);
    }

    private static @Nullable String string(Map<String, Object> body, String key) {
        var value = body.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        throw new ApiError(400, key + ": a JSON " + Call.kind(value) + " (expected a string)");
    }

    private static boolean bool(Map<String, Object> body, String key) {
        var value = body.get(key);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ApiError(400, key + ": " + value + " (expected: true or false)");
    }

    private static long number(Map<String, Object> body, String key, long min, long max) {
        var value = body.get(key);
        if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw new ApiError(400, key + ": " + value + " (expected: a whole number from " + min + " to " + max + ")");
    }

    /** A number, or a string holding one: JavaScript clients cannot hold every 64-bit integer in a number. */
    private static long seed(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ApiError(400, "seed: " + value + " (expected: a 64-bit integer, as a number or a string)");
    }

    /** {@code host:port}, {@code [v6]:port}, or {@code :port} for loopback. */
    private static InetSocketAddress address(Map<String, Object> body, String key, boolean portZeroAllowed) {
        var text = string(body, key);
        if (text == null) {
            throw new ApiError(400, key + ": null (expected \"host:port\")");
        }
        var t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon < 0 || (t.indexOf(':') != colon && !t.startsWith("["))) {
            throw new ApiError(400, key + ": '" + text + "' (expected \"host:port\", \"[v6]:port\" or \":port\")");
        }
        var host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < (portZeroAllowed ? 0 : 1) || port > 65535) {
            throw new ApiError(
                    400, key + ": port in '" + text + "' (expected: " + (portZeroAllowed ? 0 : 1) + " to 65535)");
        }
        var address = host.isEmpty()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                : new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ApiError(400, key + ": host '" + host + "' does not resolve");
        }
        return address;
    }
}
