package dev.chaostesting.spi;

/** A codec's answer when shown the first bytes of a connection. */
public enum Detection {
    /** These bytes are this codec's protocol. */
    MATCH,
    /** These bytes are not this codec's protocol. */
    NO_MATCH,
    /** Too few bytes to tell: ask again when more arrived. */
    NEED_MORE
}
