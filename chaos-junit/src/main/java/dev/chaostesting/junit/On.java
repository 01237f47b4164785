package dev.chaostesting.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Picks one of several interceptors for an injected {@code RunningInterceptor} or {@code LiveRecording} parameter, by
 * its {@link Intercept#name()} (by default its target port): {@code void test(@On("db") RunningInterceptor db)}.
 * Without it, a parameter is resolved only when exactly one interceptor is running for the test.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface On {
    String value();
}
