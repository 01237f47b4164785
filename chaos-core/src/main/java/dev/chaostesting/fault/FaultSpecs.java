package dev.chaostesting.fault;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Faults as plain maps, the shape they take in JSON (the control API) and YAML (fault plans): parse with any JSON or
 * YAML reader into maps, lists, strings, numbers and booleans, then {@link #fromMap}. See docs/faults.md.
 *
 * <pre>{@code
 * {"type": "latency", "delay": "200ms", "jitter": "20ms", "flow": "downstream", "toxicity": 0.5,
 *  "schedule": {"after": "5s", "during": "30s"}}
 * }</pre>
 */
public final class FaultSpecs {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kb|kib|mb|mib|gb|gib)?(?:/s)?");

    private static final Set<String> COMMON = Set.of("type", "name", "flow", "toxicity", "per", "schedule", "target");

    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("latency", Set.of("delay", "jitter", "distribution")),
            Map.entry("bandwidth", Set.of("rate")),
            Map.entry("slicer", Set.of("averageBytes", "variationBytes", "delay")),
            Map.entry("slow_close", Set.of("delay")),
            Map.entry("timeout", Set.of("after")),
            Map.entry("black_hole", Set.of()),
            Map.entry("reset", Set.of("after")),
            Map.entry("limit_data", Set.of("bytes")),
            Map.entry("down", Set.of()),
            Map.entry("stall", Set.of("duration")),
            Map.entry("protocol", Set.of()));

    private FaultSpecs() {}

    /** The fault types this understands, as written in {@code type}. */
    public static Set<String> types() {
        return new TreeSet<>(FIELDS.keySet());
    }

    /**
     * Reads one fault.
     *
     * @throws IllegalArgumentException with one line naming the field and what was expected
     */
    public static Fault fromMap(Map<String, ?> spec) {
        Objects.requireNonNull(spec, "spec");
        var type = string(spec, "type", null);
        if (type == null) {
            throw new IllegalArgumentException(
                    "fault: no 'type' (expected one of: " + String.join(", ", types()) + ")");
        }
        var allowed = FIELDS.get(type);
        if (allowed == null) {
            throw new IllegalArgumentException(
                    "fault type: '" + type + "' (expected one of: " + String.join(", ", types()) + ")");
        }
        for (var key : spec.keySet()) {
            if (!COMMON.contains(key) && !allowed.contains(key) && !type.equals("protocol")) {
                var expected = new TreeSet<>(allowed);
                expected.addAll(COMMON);
                throw new IllegalArgumentException("fault '" + type + "': unknown field '" + key + "' (expected: "
                        + String.join(", ", expected) + ")");
            }
        }
        var fault = switch (type) {
            case "latency" -> {
                var delay = duration(spec, "delay", null, type);
                var jitter = duration(spec, "jitter", Duration.ZERO, type);
                var distribution = string(spec, "distribution", "uniform");
                yield switch (distribution.toLowerCase(Locale.ROOT)) {
                    case "uniform" -> Faults.latency(delay, jitter);
                    case "normal" -> Faults.latencyNormal(delay, jitter);
                    default ->
                        throw new IllegalArgumentException(
                                "fault 'latency': distribution '" + distribution + "' (expected: uniform or normal)");
                };
            }
            case "bandwidth" -> Faults.bandwidth(size(spec, "rate", type));
            case "slicer" ->
                Faults.slicer(
                        (int) number(spec, "averageBytes", null, type),
                        (int) number(spec, "variationBytes", 0L, type),
                        duration(spec, "delay", Duration.ZERO, type));
            case "slow_close" -> Faults.slowClose(duration(spec, "delay", null, type));
            case "timeout" -> Faults.timeout(duration(spec, "after", null, type));
            case "black_hole" -> Faults.blackHole();
            case "reset" -> Faults.resetAfter(duration(spec, "after", Duration.ZERO, type));
            case "limit_data" -> Faults.limitData(size(spec, "bytes", type));
            case "down" -> Faults.down();
            case "stall" -> Faults.stall(duration(spec, "duration", null, type));
            case "protocol" -> {
                var protocol = string(spec, "protocol", null);
                if (protocol == null) {
                    throw new IllegalArgumentException(
                            "fault 'protocol': no 'protocol' (expected a codec's name, e.g. postgresql, http, redis)");
                }
                var own = new LinkedHashMap<String, Object>();
                spec.forEach((k, v) -> {
                    if (!COMMON.contains(k) && !k.equals("protocol")) {
                        own.put(k, v);
                    }
                });
                yield Faults.protocol(protocol, own);
            }
            default -> throw new IllegalStateException(type);
        };
        var name = string(spec, "name", null);
        if (name != null) {
            fault = fault.named(name);
        }
        var flow = string(spec, "flow", null);
        if (flow != null) {
            Flow parsed;
            try {
                parsed = Flow.valueOf(flow.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "fault '" + type + "': flow '" + flow + "' (expected: upstream, downstream or both)");
            }
            fault = fault.flow(parsed);
        }
        if (spec.containsKey("toxicity")) {
            var toxicity = spec.get("toxicity");
            if (!(toxicity instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
                throw new IllegalArgumentException(
                        "fault '" + type + "': toxicity " + toxicity + " (expected: a number from 0 to 1)");
            }
            fault = fault.toxicity(n.doubleValue());
        }
        var per = string(spec, "per", "connection");
        switch (per) {
            case "connection" -> {}
            case "chunk" -> fault = fault.perChunk();
            default ->
                throw new IllegalArgumentException(
                        "fault '" + type + "': per '" + per + "' (expected: connection or chunk)");
        }
        if (spec.containsKey("target")) {
            fault = fault.on(target(String.valueOf(spec.get("target")), type));
        }
        if (spec.get("schedule") instanceof Map<?, ?> schedule) {
            fault = fault.schedule(schedule(schedule, type));
        } else if (spec.containsKey("schedule")) {
            throw new IllegalArgumentException("fault '" + type + "': schedule (expected: a map)");
        }
        return fault;
    }

    /** The map {@link #fromMap} reads back to an equal fault. */
    public static Map<String, Object> toMap(Fault fault) {
        var map = new LinkedHashMap<String, Object>();
        var effect = fault.effect();
        var type = typeOf(effect);
        map.put("type", type);
        map.put("name", fault.name());
        if (effect instanceof Effect.Latency l) {
            map.put("delay", format(l.delay()));
            map.put("jitter", format(l.jitter()));
            map.put("distribution", l.distribution().name().toLowerCase(Locale.ROOT));
        } else if (effect instanceof Effect.Bandwidth b) {
            map.put("rate", b.bytesPerSecond());
        } else if (effect instanceof Effect.Slicer s) {
            map.put("averageBytes", s.averageBytes());
            map.put("variationBytes", s.variationBytes());
            map.put("delay", format(s.delay()));
        } else if (effect instanceof Effect.SlowClose s) {
            map.put("delay", format(s.delay()));
        } else if (effect instanceof Effect.BlackHole h && !h.closeAfter().isZero()) {
            map.put("after", format(h.closeAfter()));
        } else if (effect instanceof Effect.Reset r) {
            map.put("after", format(r.after()));
        } else if (effect instanceof Effect.LimitData l) {
            map.put("bytes", l.bytes());
        } else if (effect instanceof Effect.Stall s) {
            map.put("duration", format(s.duration()));
        } else if (effect instanceof Effect.Protocol p) {
            map.put("protocol", p.protocol());
            map.putAll(p.spec());
        }
        map.put("flow", fault.flow().name().toLowerCase(Locale.ROOT));
        map.put("toxicity", fault.toxicity());
        map.put("per", fault.drawnPerChunk() ? "chunk" : "connection");
        if (!fault.target().equals(Target.any())) {
            map.put("target", fault.target().toString());
        }
        var s = fault.schedule();
        var schedule = new LinkedHashMap<String, Object>();
        if (s.firstConnections() > 0) {
            schedule.put("firstConnections", s.firstConnections());
        }
        if (s.everyNth() > 1) {
            schedule.put("everyNth", s.everyNth());
        }
        if (!s.after().isZero()) {
            schedule.put("after", format(s.after()));
        }
        if (!s.during().equals(Schedule.FOREVER)) {
            schedule.put("during", format(s.during()));
        }
        if (!s.ramp().isZero()) {
            schedule.put("ramp", format(s.ramp()));
        }
        if (!schedule.isEmpty()) {
            map.put("schedule", schedule);
        }
        return map;
    }

    /** The {@code type} of an effect, as {@link #fromMap} reads it. */
    public static String typeOf(Effect effect) {
        if (effect instanceof Effect.Latency) {
            return "latency";
        } else if (effect instanceof Effect.Bandwidth) {
            return "bandwidth";
        } else if (effect instanceof Effect.Slicer) {
            return "slicer";
        } else if (effect instanceof Effect.SlowClose) {
            return "slow_close";
        } else if (effect instanceof Effect.BlackHole h) {
            return h.closeAfter().isZero() ? "black_hole" : "timeout";
        } else if (effect instanceof Effect.Reset) {
            return "reset";
        } else if (effect instanceof Effect.LimitData) {
            return "limit_data";
        } else if (effect instanceof Effect.Down) {
            return "down";
        } else if (effect instanceof Effect.Stall) {
            return "stall";
        } else if (effect instanceof Effect.Protocol) {
            return "protocol";
        }
        throw new IllegalArgumentException("effect: " + effect);
    }

    /**
     * A duration as written in specs: {@code 200ms}, {@code 1.5s}, {@code 250us}, {@code 2m}, {@code 1h}, or ISO-8601
     * ({@code PT0.2S}); a bare number is milliseconds.
     */
    public static Duration parseDuration(String text) {
        var t = text.strip().toLowerCase(Locale.ROOT);
        var m = DURATION.matcher(t);
        if (m.matches()) {
            double value = Double.parseDouble(m.group(1));
            long nanos = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            return Duration.ofNanos(Math.round(value * nanos));
        }
        if (t.matches("\\d+")) {
            return Duration.ofMillis(Long.parseLong(t));
        }
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "duration: '" + text + "' (expected e.g. 200ms, 1.5s, 250us, 2m or PT0.2S)");
        }
    }

    /** Formats a duration the way {@link #parseDuration} reads it, in the largest exact unit. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    /**
     * {@code outbound}, {@code inbound}, {@code host:port}, {@code :port}, or a direction and an address: {@code
     * outbound 127.0.0.1:5432} ({@code *} for any port).
     */
    private static Target target(String text, String type) {
        var target = Target.any();
        for (var part : text.strip().split("\\s+")) {
            switch (part.toLowerCase(Locale.ROOT)) {
                case "any" -> {}
                case "outbound" -> target = target.direction(dev.chaostesting.model.Direction.OUTBOUND);
                case "inbound" -> target = target.direction(dev.chaostesting.model.Direction.INBOUND);
                default -> {
                    try {
                        var address = part.endsWith(":*") ? part.substring(0, part.length() - 2) + ":0" : part;
                        var server = Target.server(address);
                        target = new Target(target.direction(), server.host(), server.port());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("fault '" + type + "': target '" + text
                                + "' (expected: any, inbound, outbound, host:port or :port)");
                    }
                }
            }
        }
        return target;
    }

    private static Schedule schedule(Map<?, ?> map, String type) {
        var s = Schedule.always();
        for (var e : map.entrySet()) {
            var key = String.valueOf(e.getKey());
            var value = e.getValue();
            try {
                s = switch (key) {
                    case "firstConnections" -> s.firstConnections(((Number) value).intValue());
                    case "everyNth" -> s.everyNth(((Number) value).intValue());
                    case "after" -> s.after(parseDuration(String.valueOf(value)));
                    case "during" -> s.during(parseDuration(String.valueOf(value)));
                    case "ramp" -> s.ramp(parseDuration(String.valueOf(value)));
                    default ->
                        throw new IllegalArgumentException("fault '" + type + "': schedule field '" + key
                                + "' (expected: firstConnections, everyNth, after, during, ramp)");
                };
            } catch (ClassCastException ex) {
                throw new IllegalArgumentException(
                        "fault '" + type + "': schedule " + key + " " + value + " (expected: a whole number)");
            }
        }
        return s;
    }

    private static String string(Map<String, ?> spec, String key, String fallback) {
        var value = spec.get(key);
        return value == null ? fallback : String.valueOf(value);
    }

    private static Duration duration(Map<String, ?> spec, String key, Duration fallback, String type) {
        var value = spec.get(key);
        if (value == null) {
            if (fallback == null) {
                throw new IllegalArgumentException(
                        "fault '" + type + "': no '" + key + "' (expected a duration, e.g." + " 200ms)");
            }
            return fallback;
        }
        try {
            return value instanceof Number n ? Duration.ofMillis(n.longValue()) : parseDuration(value.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fault '" + type + "': " + key + ": " + e.getMessage());
        }
    }

    private static long number(Map<String, ?> spec, String key, Long fallback, String type) {
        var value = spec.get(key);
        if (value == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("fault '" + type + "': no '" + key + "' (expected a number)");
            }
            return fallback;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault '" + type + "': " + key + " '" + value + "' (expected a number)");
        }
    }

    /** Bytes (or bytes per second): a number, or {@code 100kB}, {@code 1MiB}, {@code 2mb/s}. */
    private static long size(Map<String, ?> spec, String key, String type) {
        var value = spec.get(key);
        if (value == null) {
            throw new IllegalArgumentException("fault '" + type + "': no '" + key + "' (expected a size, e.g. 100kB)");
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        var m = SIZE.matcher(value.toString().strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "fault '" + type + "': " + key + " '" + value + "' (expected e.g. 1000, 100kB, 1MiB, 2MB/s)");
        }
        double n = Double.parseDouble(m.group(1));
        var unit = m.group(2) == null ? "b" : m.group(2);
        long factor = switch (unit) {
            case "kb" -> 1_000L;
            case "kib" -> 1_024L;
            case "mb" -> 1_000_000L;
            case "mib" -> 1_048_576L;
            case "gb" -> 1_000_000_000L;
            case "gib" -> 1_073_741_824L;
            default -> 1L;
        };
        return Math.round(n * factor);
    }

    /** For callers holding a list of specs: each read with {@link #fromMap}, errors prefixed with the position. */
    public static List<Fault> fromList(List<? extends Map<String, ?>> specs) {
        var out = new java.util.ArrayList<Fault>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                out.add(fromMap(specs.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("faults[" + i + "]: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
