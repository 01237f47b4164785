package dev.chaostesting.internal.capture;

import java.io.IOException;

/**
 * The capture file's structure is broken: one line naming where and which field, e.g.
 * {@code pcap record at byte 1234: caplen 900000 (expected: <= snaplen 262144)}. Kept apart from other I/O errors so
 * that the public API can prefix the file's name to these only.
 */
public final class MalformedCaptureException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedCaptureException(String message) {
        super(message);
    }
}
