package dev.chaostesting.internal.capture;

/** Names a TCP connection the same way from both directions: its two endpoints in a fixed order. */
record FlowKey(Endpoint low, Endpoint high) {

    static FlowKey of(Endpoint a, Endpoint b) {
        return a.compareTo(b) <= 0 ? new FlowKey(a, b) : new FlowKey(b, a);
    }
}
