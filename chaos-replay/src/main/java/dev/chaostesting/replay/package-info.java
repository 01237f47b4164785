/**
 * Chaos replay: the recorded inbound HTTP traffic of a service is replayed against it while the interceptor injects
 * faults into its dependencies (and, at the {@code extreme} level, into its own inbound connections), and each endpoint's
 * behaviour under each fault is compared with a fault-free baseline. Entry point: {@link dev.chaostesting.replay.ChaosRun}.
 * See docs/chaos.md.
 */
@NullMarked
package dev.chaostesting.replay;

import org.jspecify.annotations.NullMarked;
