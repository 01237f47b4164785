package dev.chaostesting.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Resets connections (RST to both peers): at their first chunk, or {@link #after()} this long.
 *
 * <p>On a test method: injected just before the test body runs and removed right after it. On a test class: the same,
 * for every test of the class. See {@link dev.chaostesting.fault.Faults} for what the fault does to the bytes.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface Reset {
    /** How long after the connection starts (or after injection, for open connections); {@code 0ms}: at once. */
    String after() default "0ms";

    /** The interceptor it applies to ({@link Intercept#name()}); empty: every interceptor of the test. */
    String on() default "";

    /** The probability, from 0 to 1, that a connection is affected. */
    double toxicity() default 1.0;
}
