package dev.chaostesting.spi;

/** Which peer of a TCP connection sent some bytes. */
public enum Side {
    /** The peer that opened the connection. */
    CLIENT,
    /** The peer that accepted it. */
    SERVER;

    public Side other() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
