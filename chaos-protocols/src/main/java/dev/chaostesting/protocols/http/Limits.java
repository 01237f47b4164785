package dev.chaostesting.protocols.http;

/** Bounds on what the codec buffers, so that a hostile or broken peer costs bounded memory per connection. */
final class Limits {

    /** Request line or status line, with any empty lines before it. */
    static final int MAX_START_LINE = 8 * 1024;

    /** Header section or trailer section, with the line ends and the final empty line. */
    static final int MAX_FIELD_SECTION = 64 * 1024;

    /** A chunk-size line with its extensions. */
    static final int MAX_CHUNK_LINE = 4 * 1024;

    /** Client bytes held while an Upgrade or CONNECT request waits for the answer that says what they are. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private Limits() {}
}
