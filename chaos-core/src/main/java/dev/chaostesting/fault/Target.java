package dev.chaostesting.fault;

import dev.chaostesting.model.Direction;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which connections a fault may act on, by what the interceptor knows when a connection opens: its direction (a
 * process intercepted with {@code Interceptor.onProcess} has inbound and outbound connections) and the server it goes
 * to. Immutable.
 *
 * @param direction only connections of this direction, or any when null
 * @param host only connections to this server address (as written in recordings, e.g. {@code 127.0.0.1}), or any
 * @param port only connections to this server port, or any when 0
 */
public record Target(
        @Nullable Direction direction, @Nullable String host, int port) {

    private static final Target ANY = new Target(null, null, 0);

    public Target {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    /** Every connection (the default). */
    public static Target any() {
        return ANY;
    }

    /** The connections the observed service opens: its dependencies. */
    public static Target outbound() {
        return new Target(Direction.OUTBOUND, null, 0);
    }

    /** The connections made to the observed service. */
    public static Target inbound() {
        return new Target(Direction.INBOUND, null, 0);
    }

    /** Connections to this server: {@code host:port}, {@code :port} or {@code [v6]:port}. */
    public static Target server(String address) {
        var a = address.strip();
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("server: '" + address + "' (expected host:port or :port)");
        }
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server: '" + address + "' (expected host:port or :port)");
        }
        var host = a.substring(0, colon).replace("[", "").replace("]", "");
        return new Target(null, host.isEmpty() ? null : host, port);
    }

    /** Connections to this port, on any host. */
    public static Target port(int port) {
        return new Target(null, null, port);
    }

    /** The same, restricted to one direction. */
    public Target direction(Direction d) {
        return new Target(d, host, port);
    }

    /** Whether a connection of this direction to this server address and port is targeted. */
    public boolean matches(Direction connectionDirection, String serverHost, int serverPort) {
        return (direction == null || direction == connectionDirection)
                && (host == null || host.equalsIgnoreCase(serverHost))
                && (port == 0 || port == serverPort);
    }

    @Override
    public String toString() {
        if (this.equals(ANY)) {
            return "any";
        }
        var s = new StringBuilder();
        if (direction != null) {
            s.append(direction.name().toLowerCase(Locale.ROOT));
        }
        if (host != null || port != 0) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(host == null ? "" : host.contains(":") ? "[" + host + "]" : host)
                    .append(':')
                    .append(port == 0 ? "*" : Integer.toString(port));
        }
        return s.toString();
    }
}
