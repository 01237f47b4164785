package dev.chaostesting.internal.capture;

import dev.chaostesting.model.Direction;
import dev.chaostesting.spi.ConnectionInfo;
import java.util.Set;
import java.util.function.Function;

/**
 * What every connection of one import shares.
 *
 * @param serverPorts the ports the user asked for: a side using one of them is the server when no SYN says
 * @param maxHeldBytes the most out-of-order bytes one connection holds before the first hole is declared a gap
 * @param maxOpenConnections the most connections followed at once; beyond, the least recently active one is ended
 * @param sinks opens what a new connection's bytes are fed to
 */
record ReassemblySettings(
        Set<Integer> serverPorts,
        Direction direction,
        long maxHeldBytes,
        int maxOpenConnections,
        CaptureCounters counters,
        Function<ConnectionInfo, ConnectionSink> sinks) {}
