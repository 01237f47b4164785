package dev.chaostesting.internal.capture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes segments to their connection, opening one for a segment of addresses not seen before and closing it on FIN
 * in both directions or a RST. Connections recently closed are remembered, so a stray retransmission or final ACK after
 * the close does not start a ghost connection; a new SYN on the same addresses and ports does start a new one.
 */
public final class ConnectionTable {

    /** How many closed connections are remembered; older ones are forgotten (memory stays bounded). */
    private static final int REMEMBERED_CLOSED = 1 << 16;

    private final ReassemblySettings settings;
    /** In access order, so the least recently active connection is first when one must be evicted. */
    private final LinkedHashMap<FlowKey, TcpConnection> open = new LinkedHashMap<>(64, 0.75f, true);

    private final LinkedHashMap<FlowKey, Boolean> recentlyClosed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FlowKey, Boolean> eldest) {
            return size() > REMEMBERED_CLOSED;
        }
    };
    private long opened;

    ConnectionTable(ReassemblySettings settings) {
        this.settings = settings;
    }

    void onSegment(TcpSegment s) {
        var key = FlowKey.of(s.source(), s.destination());
        var connection = open.get(key);
        if (connection != null && connection.isNewConnection(s)) {
            connection.finish();
            open.remove(key);
            connection = null;
        }
        if (connection == null) {
            // A RST alone, or anything but a SYN after the close, belongs to no connection worth opening.
            if (s.rst() || (!s.syn() && recentlyClosed.containsKey(key))) {
                return;
            }
            recentlyClosed.remove(key);
            connection = new TcpConnection(settings, s.source(), s.destination(), ++opened);
            open.put(key, connection);
            if (open.size() > settings.maxOpenConnections()) {
                evictLeastRecentlyActive();
            }
        }
        connection.onSegment(s);
        if (connection.closed()) {
            open.remove(key);
            recentlyClosed.put(key, Boolean.TRUE);
        }
    }

    /** Ends every connection still open, in the order they began. */
    void finish() {
        var remaining = new ArrayList<>(open.values());
        open.clear();
        remaining.sort(Comparator.comparingLong(TcpConnection::order));
        remaining.forEach(TcpConnection::finish);
    }

    /**
     * Too many connections at once (a scan, a flood): end the one idle longest, as if the capture ended for it. Not
     * remembered as closed, so if it was merely quiet, its next segment opens it again as an already-open connection.
     */
    private void evictLeastRecentlyActive() {
        var eldest = open.entrySet().iterator().next();
        open.remove(eldest.getKey());
        eldest.getValue().finish();
    }
}
