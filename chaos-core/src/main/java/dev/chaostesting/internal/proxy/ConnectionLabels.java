package dev.chaostesting.internal.proxy;

import dev.chaostesting.model.Direction;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Decides, for each connection, from where it was going, whether the observed service is its server or its client, and
 * what to note on its interactions (e.g. which dependency it reaches). A proxy for one target uses one fixed label; a
 * process's transparent interception tells its inbound connections from its outbound ones.
 */
@FunctionalInterface
public interface ConnectionLabels {

    /** A connection's direction and the attributes every interaction of it carries. */
    record Label(Direction direction, Map<String, String> attributes) {
        public Label {
            attributes = Map.copyOf(attributes);
        }
    }

    Label label(InetSocketAddress target);

    static ConnectionLabels fixed(Direction direction) {
        var label = new Label(direction, Map.of());
        return target -> label;
    }
}
