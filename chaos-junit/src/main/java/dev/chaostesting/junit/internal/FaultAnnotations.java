package dev.chaostesting.junit.internal;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.fault.Flow;
import dev.chaostesting.junit.Bandwidth;
import dev.chaostesting.junit.BlackHole;
import dev.chaostesting.junit.Down;
import dev.chaostesting.junit.InjectFault;
import dev.chaostesting.junit.Latency;
import dev.chaostesting.junit.LimitData;
import dev.chaostesting.junit.Reset;
import dev.chaostesting.junit.Stall;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;

/** Reads the fault annotations of a test class or method into faults, each with the interceptor it targets. */
public final class FaultAnnotations {

    /** A fault and the name of the interceptor it goes to (empty: every one). */
    public record Planned(String on, Fault fault, String source) {}

    private FaultAnnotations() {}

    /** The faults declared on {@code element} (directly, inherited, or through meta-annotations). */
    public static List<Planned> read(AnnotatedElement element) {
        var out = new ArrayList<Planned>();
        try {
            AnnotationSupport.findAnnotation(element, Latency.class)
                    .ifPresent(a -> out.add(planned(
                            a.on(),
                            Faults.latency(
                                    duration(a.value(), "@Latency value"), duration(a.jitter(), "@Latency jitter")),
                            a.flow(),
                            a.toxicity(),
                            "@Latency")));
            AnnotationSupport.findAnnotation(element, Bandwidth.class)
                    .ifPresent(a -> out.add(planned(
                            a.on(), Faults.bandwidth(a.bytesPerSecond()), a.flow(), a.toxicity(), "@Bandwidth")));
            AnnotationSupport.findAnnotation(element, Reset.class)
                    .ifPresent(a -> out.add(planned(
                            a.on(),
                            Faults.resetAfter(duration(a.after(), "@Reset after")),
                            new Flow[0],
                            a.toxicity(),
                            "@Reset")));
            AnnotationSupport.findAnnotation(element, Down.class)
                    .ifPresent(a -> out.add(planned(a.on(), Faults.down(), new Flow[0], a.toxicity(), "@Down")));
            AnnotationSupport.findAnnotation(element, BlackHole.class)
                    .ifPresent(a -> out.add(planned(a.on(), Faults.blackHole(), a.flow(), a.toxicity(), "@BlackHole")));
            AnnotationSupport.findAnnotation(element, LimitData.class)
                    .ifPresent(a -> out.add(
                            planned(a.on(), Faults.limitData(a.value()), a.flow(), a.toxicity(), "@LimitData")));
            AnnotationSupport.findAnnotation(element, Stall.class)
                    .ifPresent(a -> out.add(planned(
                            a.on(),
                            Faults.stall(duration(a.value(), "@Stall value")),
                            a.flow(),
                            a.toxicity(),
                            "@Stall")));
            for (var a : AnnotationSupport.findRepeatableAnnotations(element, InjectFault.class)) {
                out.add(generic(a));
            }
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("fault on " + describe(element) + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Planned generic(InjectFault a) {
        var what = "@InjectFault(type = " + a.type() + ")";
        var fault = switch (a.type()) {
            case LATENCY -> Faults.latency(required(a.duration(), what));
            case BANDWIDTH -> Faults.bandwidth(a.bytes());
            case SLICER ->
                Faults.slicer(
                        (int) Math.min(Integer.MAX_VALUE, a.bytes()),
                        0,
                        a.duration().isEmpty() ? Duration.ZERO : duration(a.duration(), what + " duration"));
            case SLOW_CLOSE -> Faults.slowClose(required(a.duration(), what));
            case TIMEOUT -> Faults.timeout(required(a.duration(), what));
            case BLACK_HOLE -> Faults.blackHole();
            case RESET ->
                a.duration().isEmpty() ? Faults.reset() : Faults.resetAfter(duration(a.duration(), what + " duration"));
            case LIMIT_DATA -> Faults.limitData(a.bytes());
            case DOWN -> Faults.down();
            case STALL -> Faults.stall(required(a.duration(), what));
        };
        if (a.perChunk()) {
            fault = fault.perChunk();
        }
        if (!a.after().isEmpty()) {
            fault = fault.after(duration(a.after(), what + " after"));
        }
        if (!a.during().isEmpty()) {
            fault = fault.during(duration(a.during(), what + " during"));
        }
        if (a.firstConnections() > 0) {
            fault = fault.firstConnections(a.firstConnections());
        }
        if (a.everyNth() != 1) {
            fault = fault.everyNth(a.everyNth());
        }
        return planned(a.on(), fault, a.flow(), a.toxicity(), what);
    }

    private static Duration required(String text, String what) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(what + " needs duration = \"...\"");
        }
        return duration(text, what + " duration");
    }

    private static Planned planned(String on, Fault fault, Flow[] flow, double toxicity, String source) {
        if (flow.length > 1) {
            throw new IllegalArgumentException(source + " flow: " + flow.length + " values (expected: at most one)");
        }
        var f = flow.length == 1 ? fault.flow(flow[0]) : fault;
        return new Planned(on, f.toxicity(toxicity), source);
    }

    private static Duration duration(String text, String what) {
        return Durations.parse(text, what);
    }

    public static String describe(AnnotatedElement element) {
        if (element instanceof Class<?> c) {
            return c.getName();
        }
        if (element instanceof java.lang.reflect.Method m) {
            return m.getDeclaringClass().getName() + "." + m.getName() + "()";
        }
        return element.toString();
    }
}
