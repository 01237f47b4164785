package dev.chaostesting.protocols.kafka.internal;

import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.spi.BodyCollector;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one Kafka connection: client frames are requests, server frames responses, paired by correlation id (so
 * pipelined requests each get theirs); Produce with {@code acks=0} is recorded at once, having no response. A frame
 * kafka-clients cannot parse (unknown API key or version, malformed body) is recorded raw with the reason and
 * decoding goes on, since the framing still holds; a frame length out of bounds ends decoding (fail open).
 */
public final class KafkaDecoder implements StreamDecoder {

    /** Largest frame accepted: Kafka's own default for {@code socket.request.max.bytes}. */
    public static final int MAX_FRAME_BYTES = 100 << 20;

    static final int MAX_PENDING = 1000;
    private static final String PROTOCOL = "kafka";

    private final DecoderContext context;
    private final TopicNames names;
    private final IdTexts ids = new IdTexts();
    private final FrameReader client = new FrameReader(MAX_FRAME_BYTES);
    private final FrameReader server = new FrameReader(MAX_FRAME_BYTES);
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    private boolean done;
    /** Set when decoding stopped during authentication: bytes are only counted from then on. */
    private @Nullable SealedConnection sealed;
    /** From a SASL request until the first request of another kind: a failure now could expose credentials. */
    private boolean authenticating;

    private boolean clientEnded;
    private boolean serverEnded;

    /** After a SaslHandshake v0, SASL tokens travel in bare frames (no Kafka header) until authentication ends. */
    private boolean saslTokens;

    private @Nullable String saslClientId;
    private final ArrayDeque<Pending> tokens = new ArrayDeque<>();

    public KafkaDecoder(DecoderContext context, TopicNames names) {
        this.context = context;
        this.names = names;
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        if (sealed != null) {
            sealed.count(side, data, atMicros);
            return;
        }
        var reader = side == Side.CLIENT ? client : server;
        try {
            while (!done && data.hasRemaining()) {
                var frame = reader.read(data, atMicros);
                if (frame == null) {
                    return;
                }
                if (side == Side.CLIENT) {
                    request(frame);
                } else {
                    response(frame);
                }
                if (pending.size() > MAX_PENDING) {
                    failOpen(
                            "requests without a response: " + pending.size() + " (expected: <= " + MAX_PENDING + ")",
                            side,
                            data);
                }
            }
        } catch (FrameReader.BadFrameException e) {
            failOpen(String.valueOf(e.getMessage()), side, data);
        }
    }

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (sealed != null) {
            if (sealed.end(side, reset, atMicros, context)) {
                sealed = null;
            }
            return;
        }
        if (done) {
            return;
        }
        var how = reset ? "reset" : "closed";
        if (reset || side == Side.CLIENT) {
            clientEnded = true;
            if (client.inFrame()) {
                long first = client.firstByteAt();
                long last = client.lastByteAt();
                var bytes = client.takeUnparsed();
                var fields = new LinkedHashMap<String, @Nullable Object>();
                fields.put("raw", body(bytes, secretFrame(bytes)));
                emitRaw(fields, null, first, last, bytes.remaining(), 0, "connection " + how + " in a request frame");
            }
        }
        if (reset || side == Side.SERVER) {
            serverEnded = true;
            if (server.inFrame()) {
                // Kept, though it answers nothing that can be known: a response is paired by its whole header.
                long first = server.firstByteAt();
                long last = server.lastByteAt();
                var bytes = server.takeUnparsed();
                var fields = new LinkedHashMap<String, @Nullable Object>();
                fields.put("raw", body(bytes, false));
                emitRaw(null, fields, first, last, 0, bytes.remaining(), "connection " + how + " in a response frame");
            }
            closeUnanswered("connection " + how + " before the response");
        }
        done = clientEnded && serverEnded;
    }

    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        if (sealed == null && !done) {
            var reader = side == Side.CLIENT ? client : server;
            if (reader.skip(missingBytes)) {
                // Lost inside one frame: that frame is damaged, the next one starts where its length says.
                return true;
            }
            var where = side == Side.CLIENT ? "client" : "server";
            failOpen(missingBytes + " bytes missing from the " + where, side, ByteBuffer.allocate(0));
        }
        // Sealed (decoding stopped during authentication): keep counting rather than hand over to raw TCP.
        return sealed != null;
    }

    /**
     * A frame with bytes lost in a capture: not parsed. Its header fields are kept when they arrived, so that a request
     * still meets its response.
     */
    private void damaged(FrameReader.Frame frame, Side side) {
        var reason = frame.missingBytes() + " bytes missing from the " + (side == Side.CLIENT ? "client" : "server");
        var buf = ByteBuffer.wrap(frame.body());
        if (side == Side.CLIENT) {
            if (saslTokens) {
                var fields = new LinkedHashMap<String, @Nullable Object>();
                fields.put("saslToken", MessageTree.REDACTED);
                tokens.add(
                        new Pending(null, fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), reason));
                return;
            }
            if (frame.missingFrom() < 8) {
                emitRaw(
                        new LinkedHashMap<>(),
                        null,
                        frame.firstByteAt(),
                        frame.lastByteAt(),
                        frame.wireBytes(),
                        0,
                        reason);
                return;
            }
            short keyId = buf.getShort(0);
            authenticating |= keyId == ApiKeys.SASL_AUTHENTICATE.id || keyId == ApiKeys.SASL_HANDSHAKE.id;
            var name = ApiKeys.hasId(keyId) ? ApiKeys.forId(keyId).name() : "UNKNOWN_" + keyId;
            var fields = KafkaMessages.header(name, buf.getShort(2), buf.getInt(4), null);
            var replaced = pending.put(
                    buf.getInt(4),
                    new Pending(null, fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), reason));
            if (replaced != null) {
                emit(replaced, null, -1, -1, 0, "correlation id " + buf.getInt(4) + " reused before a response", null);
            }
            return;
        }
        var request = frame.missingFrom() >= 4 ? pending.remove(buf.getInt(0)) : null;
        if (request == null) {
            emitRaw(null, new LinkedHashMap<>(), frame.firstByteAt(), frame.lastByteAt(), 0, frame.wireBytes(), reason);
        } else {
            emit(
                    request,
                    new LinkedHashMap<>(),
                    frame.firstByteAt(),
                    frame.lastByteAt(),
                    frame.wireBytes(),
                    null,
                    reason);
        }
    }

    private void request(FrameReader.Frame frame) {
        if (frame.missingBytes() > 0) {
            damaged(frame, Side.CLIENT);
            return;
        }
        var buf = ByteBuffer.wrap(frame.body());
        if (saslTokens) {
            if (!looksLikeRequest(buf)) {
                var fields = new LinkedHashMap<String, @Nullable Object>();
                fields.put("saslToken", MessageTree.REDACTED);
                tokens.add(new Pending(null, fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), null));
                return;
            }
            saslTokens = false;
        }
        if (buf.remaining() < 8) {
            var fields = new LinkedHashMap<String, @Nullable Object>();
            fields.put("raw", body(buf, false));
            emitRaw(
                    fields,
                    null,
                    frame.firstByteAt(),
                    frame.lastByteAt(),
                    frame.wireBytes(),
                    0,
                    "request header: " + buf.remaining() + " bytes (expected: at least 8)");
            return;
        }
        short keyId = buf.getShort(0);
        short version = buf.getShort(2);
        int correlationId = buf.getInt(4);
        boolean secret = keyId == ApiKeys.SASL_AUTHENTICATE.id;
        authenticating = secret || keyId == ApiKeys.SASL_HANDSHAKE.id;
        RequestHeader header = null;
        Map<String, @Nullable Object> fields;
        String problem = null;
        try {
            header = RequestHeader.parse(buf);
            var request = AbstractRequest.parseRequest(header.apiKey(), version, new ByteBufferAccessor(buf)).request;
            fields = KafkaMessages.request(header, request, context.maxBodyBytes(), names, ids);
            if (request instanceof ProduceRequest produce && produce.acks() == 0) {
                emit(
                        new Pending(header, fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), null),
                        null,
                        -1,
                        -1,
                        0,
                        null,
                        null);
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            problem = "request not decoded: " + e;
            var name = ApiKeys.hasId(keyId) ? ApiKeys.forId(keyId).name() : "UNKNOWN_" + keyId;
            fields = KafkaMessages.header(name, version, correlationId, header == null ? null : header.clientId());
            fields.put("raw", body(ByteBuffer.wrap(frame.body()), secret));
        }
        var replaced = pending.put(
                correlationId,
                new Pending(header, fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), problem));
        if (replaced != null) {
            emit(replaced, null, -1, -1, 0, "correlation id " + correlationId + " reused before a response", null);
        }
    }

    /** Whether a frame after SASL tokens is a Kafka request again: a valid header from the same client id. */
    private boolean looksLikeRequest(ByteBuffer buf) {
        try {
            var header = RequestHeader.parse(buf.duplicate());
            return Objects.equals(header.clientId(), saslClientId);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private void response(FrameReader.Frame frame) {
        if (frame.missingBytes() > 0) {
            damaged(frame, Side.SERVER);
            return;
        }
        var buf = ByteBuffer.wrap(frame.body());
        if (saslTokens && !tokens.isEmpty()) {
            var fields = new LinkedHashMap<String, @Nullable Object>();
            fields.put("saslToken", MessageTree.REDACTED);
            emit(tokens.removeFirst(), fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), null, null);
            return;
        }
        var request = buf.remaining() >= 4 ? pending.remove(buf.getInt(0)) : null;
        if (request == null) {
            var fields = new LinkedHashMap<String, @Nullable Object>();
            if (buf.remaining() >= 4) {
                fields.put("correlationId", buf.getInt(0));
            }
            fields.put("raw", body(buf, false));
            emitRaw(
                    null,
                    fields,
                    frame.firstByteAt(),
                    frame.lastByteAt(),
                    0,
                    frame.wireBytes(),
                    buf.remaining() < 4
                            ? "response header: " + buf.remaining() + " bytes (expected: at least 4)"
                            : "response with correlation id " + buf.getInt(0) + " matches no request");
            return;
        }
        var header = request.header();
        Map<String, @Nullable Object> fields;
        String problem = null;
        if (header != null) {
            try {
                var response = AbstractResponse.parseResponse(buf, header);
                fields = KafkaMessages.response(header, response, context.maxBodyBytes(), names, ids);
                if (response instanceof SaslHandshakeResponse handshake
                        && header.apiVersion() == 0
                        && handshake.data().errorCode() == 0) {
                    saslTokens = true;
                    saslClientId = header.clientId();
                }
            } catch (RuntimeException | LinkageError e) {
                problem = "response not decoded: " + e;
                fields = rawResponse(frame, header.apiKey() == ApiKeys.SASL_AUTHENTICATE);
            }
        } else {
            problem = "response not decoded: its request was not decoded";
            fields = rawResponse(
                    frame,
                    ApiKeys.SASL_AUTHENTICATE.name().equals(request.fields().get("apiKey")));
        }
        emit(request, fields, frame.firstByteAt(), frame.lastByteAt(), frame.wireBytes(), null, problem);
    }

    /** Whether client bytes starting at a frame may hold SASL credentials (a SaslAuthenticate frame, a bare token). */
    private boolean secretFrame(ByteBuffer frameWithLength) {
        if (saslTokens) {
            return frameWithLength.hasRemaining();
        }
        return frameWithLength.remaining() >= 6
                && frameWithLength.getShort(frameWithLength.position() + 4) == ApiKeys.SASL_AUTHENTICATE.id;
    }

    private Map<String, @Nullable Object> rawResponse(FrameReader.Frame frame, boolean secret) {
        var fields = new LinkedHashMap<String, @Nullable Object>();
        fields.put("raw", body(ByteBuffer.wrap(frame.body()), secret));
        return fields;
    }

    private @Nullable Object body(ByteBuffer bytes, boolean secret) {
        if (secret) {
            return MessageTree.REDACTED;
        }
        var collector = new BodyCollector(context.maxBodyBytes());
        collector.append(bytes);
        return collector.toBody();
    }

    private void emit(
            Pending request,
            @Nullable Map<String, @Nullable Object> response,
            long responseFirst,
            long responseLast,
            long responseBytes,
            @Nullable String error,
            @Nullable String responseProblem) {
        long start = request.firstByteAt();
        var interaction = context.newInteraction(PROTOCOL, start)
                .timeToFirstByteMicros(response == null ? -1 : responseFirst - start)
                .durationMicros((response == null ? request.lastByteAt() : responseLast) - start)
                .requestBytes(request.wireBytes())
                .responseBytes(responseBytes)
                .request(StructuredMessage.of(request.fields()))
                .response(response == null ? null : StructuredMessage.of(response))
                .error(error);
        var problem = request.decodeError() != null ? request.decodeError() : responseProblem;
        if (problem != null) {
            interaction.attribute("decodeError", problem);
        }
        context.emit(interaction);
    }

    private void emitRaw(
            @Nullable Map<String, @Nullable Object> request,
            @Nullable Map<String, @Nullable Object> response,
            long first,
            long last,
            long requestBytes,
            long responseBytes,
            String problem) {
        var interaction = context.newInteraction(PROTOCOL, first)
                .timeToFirstByteMicros(-1)
                .durationMicros(last - first)
                .requestBytes(requestBytes)
                .responseBytes(responseBytes)
                .request(request == null ? null : StructuredMessage.of(request))
                .response(response == null ? null : StructuredMessage.of(response))
                .attribute("decodeError", problem);
        context.emit(interaction);
    }

    private void closeUnanswered(String error) {
        for (var p : pending.values()) {
            emit(p, null, -1, -1, 0, error, null);
        }
        pending.clear();
        for (var p : tokens) {
            emit(p, null, -1, -1, 0, error, null);
        }
        tokens.clear();
    }

    /** Stops decoding: requests still waiting are recorded without a response, undecoded bytes go back as raw TCP. */
    private void failOpen(String reason, Side side, ByteBuffer data) {
        done = true;
        closeUnanswered("response not decoded: " + reason);
        var clientPartial = client.takeUnparsed();
        if (authenticating || saslTokens || secretFrame(clientPartial)) {
            seal(reason, clientPartial.remaining(), server.takeUnparsed().remaining(), side, data);
            return;
        }
        var unparsedClient = concat(clientPartial, side == Side.CLIENT ? data : ByteBuffer.allocate(0));
        var unparsedServer = concat(server.takeUnparsed(), side == Side.SERVER ? data : ByteBuffer.allocate(0));
        data.position(data.limit());
        context.failOpen(reason, unparsedClient, unparsedServer);
    }

    /**
     * Decoding stopped while SASL credentials may be on the wire: nothing more is stored, not even as raw TCP (which
     * would keep them); the rest of the connection is counted and recorded as one redacted interaction at its end.
     */
    private void seal(String reason, long clientBytes, long serverBytes, Side side, ByteBuffer data) {
        var sealing = new SealedConnection(reason, client.firstByteAt(), clientBytes, serverBytes);
        sealing.count(side, data, client.lastByteAt());
        sealed = sealing;
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        return ByteBuffer.allocate(a.remaining() + b.remaining())
                .put(a)
                .put(b.duplicate())
                .flip();
    }
}
