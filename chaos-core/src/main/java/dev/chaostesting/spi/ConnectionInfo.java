package dev.chaostesting.spi;

import dev.chaostesting.model.Direction;
import java.util.Objects;

/**
 * What is known of a connection when it opens.
 *
 * @param id identifier, unique within a recording
 * @param client the client's address as {@code host:port}
 * @param server the server's address as {@code host:port}
 * @param serverPort the server's port, used for protocol port hints
 * @param direction whether the observed service is the server ({@code INBOUND}) or the client ({@code OUTBOUND})
 */
public record ConnectionInfo(String id, String client, String server, int serverPort, Direction direction) {
    public ConnectionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(direction, "direction");
    }
}
