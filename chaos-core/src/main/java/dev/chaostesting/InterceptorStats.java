package dev.chaostesting;

/**
 * Counters of a running interceptor at one moment.
 *
 * @param connections connections accepted so far
 * @param activeConnections connections open now
 * @param connectFailures connections whose target could not be reached
 * @param bytesFromClients bytes clients sent through the interceptor
 * @param bytesFromServers bytes the target sent back
 * @param interactions interactions recorded (0 when recording is off)
 * @param dropped interactions the recorder could not keep up with
 */
public record InterceptorStats(
        long connections,
        long activeConnections,
        long connectFailures,
        long bytesFromClients,
        long bytesFromServers,
        long interactions,
        long dropped) {}
