package dev.chaostesting.protocols.kafka.internal;

import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;

/** Serialises responses the way a broker does: response header (its version follows the request's), then the body. */
public final class Frames {

    private Frames() {}

    /** A response frame without its 4-byte length prefix. */
    public static ByteBuffer response(RequestHeader request, ApiMessage body) {
        short version = request.apiVersion();
        short headerVersion = request.apiKey().responseHeaderVersion(version);
        var header = new ResponseHeaderData().setCorrelationId(request.correlationId());
        var cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        var buffer = ByteBuffer.allocate(size);
        var out = new ByteBufferAccessor(buffer);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        return buffer.flip();
    }
}
