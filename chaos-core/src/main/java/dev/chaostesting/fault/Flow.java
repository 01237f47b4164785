package dev.chaostesting.fault;

/** Which bytes of a connection a fault acts on. */
public enum Flow {
    /** From the client to the server (requests). */
    UPSTREAM,
    /** From the server to the client (responses). */
    DOWNSTREAM,
    /** Both directions. */
    BOTH;

    /** Whether bytes sent by the client ({@code fromClient}) or by the server are in this flow. */
    public boolean includes(boolean fromClient) {
        return this == BOTH || (this == UPSTREAM) == fromClient;
    }
}
