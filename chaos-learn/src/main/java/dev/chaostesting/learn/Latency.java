package dev.chaostesting.learn;

/**
 * Durations of an endpoint's exchanges (first request byte to last response byte), in microseconds, by nearest rank.
 */
public record Latency(long samples, long p50Micros, long p90Micros, long p99Micros, long maxMicros) {}
