package dev.chaostesting.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class with the {@link ChaosExtension}: the interceptors declared with {@link Intercept} are started
 * and closed around each test (on a method) or the whole class (on the class), fault annotations apply to the test they
 * annotate, and {@code RunningInterceptor}, {@code LiveRecording} and {@link Chaos} parameters are injected.
 *
 * <pre>{@code
 * @ChaosTest
 * @Intercept(port = 5432, name = "db", direction = Direction.OUTBOUND)
 * class OrderServiceTest {
 *     @Test
 *     @Latency(value = "200ms", on = "db")
 *     void slowDatabase(@On("db") RunningInterceptor db) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(ChaosExtension.class)
public @interface ChaosTest {}
