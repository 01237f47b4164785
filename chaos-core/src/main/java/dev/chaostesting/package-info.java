/**
 * The entry point: {@link dev.chaostesting.Interceptor} configures an interception,
 * {@link dev.chaostesting.RunningInterceptor} is the running one.
 *
 * <pre>{@code
 * try (var running = Interceptor.onPort(8080).record().start()) {
 *     // point the client at running.port() instead of 8080
 *     running.recording().awaitCount(1, Duration.ofSeconds(5));
 *     running.recording().interactions().forEach(System.out::println);
 * }
 * }</pre>
 */
@NullMarked
package dev.chaostesting;

import org.jspecify.annotations.NullMarked;
