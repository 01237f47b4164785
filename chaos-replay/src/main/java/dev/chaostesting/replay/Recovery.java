package dev.chaostesting.replay;

/**
 * How the service came back after a step's faults were removed.
 *
 * @param fault the step's label
 * @param recovered whether the probes were back to the baseline (statuses and latency) within the recovery timeout
 * @param millis from removing the faults to the first probe round that matched the baseline (the timeout when not
 *     recovered)
 */
public record Recovery(String fault, boolean recovered, long millis) {}
