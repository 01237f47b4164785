package dev.chaostesting.internal.proxy;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one proxy, updated on I/O threads and read from anywhere. */
public final class ProxyStats {
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectionsClosed = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder bytesFromClients = new LongAdder();
    final LongAdder bytesFromServers = new LongAdder();

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long activeConnections() {
        return connectionsOpened.sum() - connectionsClosed.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    public long bytesFromClients() {
        return bytesFromClients.sum();
    }

    public long bytesFromServers() {
        return bytesFromServers.sum();
    }
}
