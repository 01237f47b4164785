package dev.chaostesting.junit;

import dev.chaostesting.fault.Flow;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Closes connections once this many bytes were forwarded: the answer is cut.
 *
 * <p>On a test method: injected just before the test body runs and removed right after it. On a test class: the same,
 * for every test of the class. See {@link dev.chaostesting.fault.Faults} for what the fault does to the bytes.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface LimitData {
    /** How many bytes pass before the connection is closed. */
    long value();

    /** The interceptor it applies to ({@link Intercept#name()}); empty: every interceptor of the test. */
    String on() default "";

    /** Which bytes it acts on; empty: the server's answers ({@code DOWNSTREAM}). */
    Flow[] flow() default {};

    /** The probability, from 0 to 1, that a connection is affected. */
    double toxicity() default 1.0;
}
