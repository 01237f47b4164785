package dev.chaostesting.internal.proxy;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Socket addresses as written in recordings: {@code 127.0.0.1:80}, {@code [::1]:80}. */
public final class Addresses {
    private Addresses() {}

    public static String format(InetSocketAddress address) {
        var host = address.getAddress() == null
                ? address.getHostString()
                : address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return host + ":" + address.getPort();
    }
}
