package dev.chaostesting.internal.transparent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Where a redirected connection was going: netfilter keeps the destination it rewrote and hands it back through
 * {@code SO_ORIGINAL_DST} ({@code IP6T_SO_ORIGINAL_DST} for IPv6) on the accepted socket.
 */
public final class OriginalDestination {

    /** {@code getsockopt(SOL_IP, SO_ORIGINAL_DST)} into a {@code struct sockaddr_in} (16 bytes). */
    private static final RawUnixChannelOption SO_ORIGINAL_DST =
            new RawUnixChannelOption("SO_ORIGINAL_DST", 0 /* SOL_IP */, 80, 16);

    /** {@code getsockopt(SOL_IPV6, IP6T_SO_ORIGINAL_DST)} into a {@code struct sockaddr_in6} (28 bytes). */
    private static final RawUnixChannelOption IP6T_SO_ORIGINAL_DST =
            new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", 41 /* SOL_IPV6 */, 80, 28);

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private OriginalDestination() {}

    /**
     * The original destination of an accepted epoll channel, or null when the connection was not redirected (the
     * kernel answers ENOENT: a client connected to the proxy's own port).
     */
    public static @Nullable InetSocketAddress of(Channel accepted) {
        if (accepted.localAddress() instanceof InetSocketAddress local
                && local.getAddress() instanceof java.net.Inet6Address) {
            return ofIpv6(accepted);
        }
        ByteBuffer raw;
        try {
            raw = accepted.config().getOption(SO_ORIGINAL_DST);
        } catch (ChannelException | UnsupportedOperationException e) {
            return null;
        }
        if (raw == null || raw.remaining() < 8) {
            return null;
        }
        int p = raw.position();
        // sa_family is in host order (little-endian on the machines epoll runs on): accept either byte order.
        int family = (raw.get(p) & 0xff) | (raw.get(p + 1) & 0xff);
        if (family != AF_INET) {
            return null;
        }
        int port = ((raw.get(p + 2) & 0xff) << 8) | (raw.get(p + 3) & 0xff);
        var address = new byte[4];
        for (int i = 0; i < 4; i++) {
            address[i] = raw.get(p + 4 + i);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    /** {@code struct sockaddr_in6}: family, port (network order), flow info, 16 address bytes, scope id. */
    private static @Nullable InetSocketAddress ofIpv6(Channel accepted) {
        ByteBuffer raw;
        try {
            raw = accepted.config().getOption(IP6T_SO_ORIGINAL_DST);
        } catch (ChannelException | UnsupportedOperationException e) {
            return null;
        }
        if (raw == null || raw.remaining() < 24) {
            return null;
        }
        int p = raw.position();
        int family = (raw.get(p) & 0xff) | (raw.get(p + 1) & 0xff);
        if (family != AF_INET6) {
            return null;
        }
        int port = ((raw.get(p + 2) & 0xff) << 8) | (raw.get(p + 3) & 0xff);
        var address = new byte[16];
        for (int i = 0; i < 16; i++) {
            address[i] = raw.get(p + 8 + i);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }
}
