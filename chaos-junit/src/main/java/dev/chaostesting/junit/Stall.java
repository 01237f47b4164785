package dev.chaostesting.junit;

import dev.chaostesting.fault.Flow;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stops the flow for a while, then delivers everything held back in order.
 *
 * <p>On a test method: injected just before the test body runs and removed right after it. On a test class: the same,
 * for every test of the class. See {@link dev.chaostesting.fault.Faults} for what the fault does to the bytes.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface Stall {
    /** How long the flow stops: {@code 500ms}, {@code 2s}. */
    String value();

    /** The interceptor it applies to ({@link Intercept#name()}); empty: every interceptor of the test. */
    String on() default "";

    /** Which bytes it acts on; empty: both directions. */
    Flow[] flow() default {};

    /** The probability, from 0 to 1, that a connection is affected. */
    double toxicity() default 1.0;
}
