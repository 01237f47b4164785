package dev.chaostesting.model;

import java.util.Objects;

/** Bytes of a protocol that was not understood, recorded as they travelled (one side of one exchange). */
public record TcpData(Body data) implements Message {
    public TcpData {
        Objects.requireNonNull(data, "data");
    }
}
