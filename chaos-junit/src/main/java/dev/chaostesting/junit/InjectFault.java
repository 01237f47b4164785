package dev.chaostesting.junit;

import dev.chaostesting.fault.Flow;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Any fault, by {@link FaultType}, with the schedule options the specific annotations ({@link Latency}, {@link Reset},
 * ...) leave out. Repeatable.
 *
 * <pre>{@code
 * @InjectFault(type = FaultType.TIMEOUT, duration = "2s", on = "db")
 * @InjectFault(type = FaultType.RESET, everyNth = 3, on = "cache")
 * }</pre>
 *
 * <p>On a test method: injected just before the test body runs and removed right after it; on a class: the same for
 * each of its tests.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(InjectFaults.class)
public @interface InjectFault {

    FaultType type();

    /** The duration parameter of the type ({@code 200ms}, {@code 2s}, ISO-8601), where it has one. */
    String duration() default "";

    /** The byte count parameter of the type, where it has one. */
    long bytes() default 0;

    /** The interceptor it applies to ({@link Intercept#name()}); empty: every interceptor of the test. */
    String on() default "";

    /** Which bytes it acts on; empty: the type's default (see {@link dev.chaostesting.fault.Faults}). */
    Flow[] flow() default {};

    /** The probability, from 0 to 1, that it applies. */
    double toxicity() default 1.0;

    /** Whether {@link #toxicity()} is drawn for every chunk of bytes rather than once per connection. */
    boolean perChunk() default false;

    /** Active only from this long after injection (empty: at once). */
    String after() default "";

    /** Active only for this long (empty: until removed). */
    String during() default "";

    /** Only the first N connections after injection (0: all). */
    int firstConnections() default 0;

    /** Only every Nth connection (1: every one). */
    int everyNth() default 1;
}
