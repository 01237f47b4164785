package dev.chaostesting.junit;

import dev.chaostesting.model.Direction;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An interceptor for the annotated test class (started before all its tests, closed after them) or test method
 * (started before the test, closed after it). Repeatable: give each a {@link #name()} to tell them apart (by default
 * the target port, e.g. {@code "5432"}).
 *
 * <p>The target is {@link #port()} on the loopback address, or {@link #target()} ({@code host:port}). {@code target}
 * may hold {@code ${name}} placeholders, resolved from JUnit configuration parameters and then system properties, for
 * targets whose port is known only at run time: {@code @Intercept(target = "127.0.0.1:${db.port}")}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(Intercepts.class)
public @interface Intercept {

    /** Means "any seed": the interceptor draws its own, reported by {@code RunningInterceptor.seed()}. */
    long RANDOM_SEED = Long.MIN_VALUE;

    /** The target's port on the loopback address (0: use {@link #target()} instead). */
    int port() default 0;

    /** The target as {@code host:port}, with optional {@code ${name}} placeholders; empty: use {@link #port()}. */
    String target() default "";

    /** How parameters ({@link On}) and fault annotations ({@code on = ...}) refer to it; default: the target port. */
    String name() default "";

    /** The port the proxy listens on (0: any free port; read it from {@code RunningInterceptor.port()}). */
    int listenPort() default 0;

    /** Whether to record the traffic (in memory unless {@link #recordToDisk()}). */
    boolean record() default true;

    /**
     * Writes the recording to {@code target/chaos-recordings/<test class>/[<test method>/]<name>} (the base directory
     * can be changed with the configuration parameter or system property {@code chaos.recordings.dir}); a recording
     * left there by an earlier run is replaced.
     */
    boolean recordToDisk() default false;

    /** Decodes every connection as this protocol ({@code http}, {@code postgresql}, ..., {@code tcp}); empty: detect. */
    String protocol() default "";

    /** Whether the target is the service under test ({@code INBOUND}) or one of its dependencies ({@code OUTBOUND}). */
    Direction direction() default Direction.INBOUND;

    /**
     * Transparent interception: clients keep connecting to the target's port and nftables redirects them. Needs Linux,
     * the {@code nft} command and root or {@code CAP_NET_ADMIN}; where one is missing the tests are skipped (aborted),
     * with the reason as the interceptor gives it.
     */
    boolean transparent() default false;

    /** The seed of the faults' random decisions ({@link #RANDOM_SEED}: a random one). */
    long seed() default RANDOM_SEED;
}
