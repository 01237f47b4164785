package dev.chaostesting.internal.capture;

import dev.chaostesting.internal.proxy.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** One end of a TCP connection as seen in packets: an IPv4 or IPv6 address and a port. Immutable. */
public final class Endpoint implements Comparable<Endpoint> {

    private final byte[] address;
    private final int port;
    private final int hash;

    Endpoint(byte[] address, int port) {
        this.address = address;
        this.port = port;
        this.hash = 31 * Arrays.hashCode(address) + port;
    }

    /** Whether this is the endpoint of the address at {@code a[at..at+length)} and this port. */
    boolean is(byte[] a, int at, int length, int port) {
        if (port != this.port || length != address.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (address[i] != a[at + i]) {
                return false;
            }
        }
        return true;
    }

    public int port() {
        return port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && e.port == port && Arrays.equals(e.address, address);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** An arbitrary but fixed order, so that both directions of a connection name it the same way. */
    @Override
    public int compareTo(Endpoint o) {
        int c = Arrays.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    /** As the proxy writes addresses in recordings: {@code 10.0.0.1:80}, {@code [0:0:0:0:0:0:0:1]:80}. */
    @Override
    public String toString() {
        try {
            return Addresses.format(new InetSocketAddress(InetAddress.getByAddress(address), port));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.length + " bytes", e);
        }
    }
}
