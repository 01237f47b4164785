package dev.chaostesting.protocols.kafka.internal;

import dev.chaostesting.spi.Detection;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Recognises a Kafka client's first frame: a plausible length, a known API key, a version no higher than a few past
 * the newest this kafka-clients knows (a newer client still starts with ApiVersions at its own newest version), and a
 * client id that is null or printable text within the frame.
 */
public final class Detector {

    /** Versions past the newest known still accepted when detecting (newer clients). */
    static final int VERSION_SLACK = 10;

    private Detector() {}

    public static Detection detect(ByteBuffer first) {
        var buf = first.duplicate();
        int n = buf.remaining();
        int start = buf.position();
        if (n < 4) {
            return Detection.NEED_MORE;
        }
        int length = buf.getInt(start);
        // apiKey, apiVersion, correlationId, clientId length
        if (length < 10 || length > KafkaDecoder.MAX_FRAME_BYTES) {
            return Detection.NO_MATCH;
        }
        if (n < 6) {
            return Detection.NEED_MORE;
        }
        short key = buf.getShort(start + 4);
        if (key < 0 || !ApiKeys.hasId(key)) {
            return Detection.NO_MATCH;
        }
        if (n < 8) {
            return Detection.NEED_MORE;
        }
        short version = buf.getShort(start + 6);
        if (version < 0 || version > ApiKeys.forId(key).latestVersion(true) + VERSION_SLACK) {
            return Detection.NO_MATCH;
        }
        if (n < 14) {
            return Detection.NEED_MORE;
        }
        short clientIdLength = buf.getShort(start + 12);
        if (clientIdLength == -1) {
            return Detection.MATCH;
        }
        if (clientIdLength < -1 || clientIdLength > length - 10) {
            return Detection.NO_MATCH;
        }
        for (int i = 0; i < clientIdLength; i++) {
            if (n < 14 + i + 1) {
                return Detection.NEED_MORE;
            }
            int c = buf.get(start + 14 + i) & 0xff;
            if (c < 0x20 || c == 0x7f) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }
}
