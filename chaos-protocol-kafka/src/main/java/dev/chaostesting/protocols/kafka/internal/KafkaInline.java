package dev.chaostesting.protocols.kafka.internal;

import dev.chaostesting.protocols.kafka.KafkaAddressRewriter;
import dev.chaostesting.protocols.kafka.KafkaAddressRewriter.HostPort;
import dev.chaostesting.protocols.kafka.KafkaFaults;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.jspecify.annotations.Nullable;

/**
 * Kafka in line, one connection. Both directions are framed (4-byte length prefix). Requests pass on as they come,
 * except those a protocol fault may match (held whole, then answered with an error built by {@link KafkaFaults} in
 * place of the broker, which never sees them). Responses pass on as they come, except those that may name brokers
 * ({@link KafkaAddressRewriter#REWRITTEN_API_KEYS}): held whole, their broker addresses replaced by listeners of the
 * interceptor ({@link InlineContext#listenerFor}), correlation id and version kept. An injected answer keeps its turn:
 * it is sent once the broker has answered every earlier request of the connection (brokers answer in order). Anything
 * not understood (a bad length, an unknown API key) makes the connection pass through unchanged from then on.
 */
public final class KafkaInline implements InlineHandler {

    /** Frames held whole (responses to rewrite, requests a fault may answer) up to this size; larger ones stream. */
    public static final int HOLD_LIMIT = 16 << 20;
    /** A length beyond this is not Kafka: the connection passes through. */
    static final int MAX_FRAME = 1 << 30;
    /** Request header start: api key, api version, correlation id. */
    private static final int REQUEST_PREFIX = 8;
    /** Response header start: correlation id. */
    private static final int RESPONSE_PREFIX = 4;

    private final InlineContext context;
    private final int holdLimit;
    private final TopicNames topicNames;
    private final Function<InetSocketAddress, InetSocketAddress> listeners;
    private final KafkaAddressRewriter rewriter;
    private boolean passThrough;

    /** Requests the broker has yet to answer, by correlation id (responses are read with their request's header). */
    private final Map<Integer, RequestHeader> pending = new HashMap<>();
    /** In request order: the broker's turn (correlation id), or our answer waiting for the turns before it. */
    private final ArrayDeque<Turn> turns = new ArrayDeque<>();

    private final Framer client = new Framer(Side.CLIENT, REQUEST_PREFIX);
    private final Framer server = new Framer(Side.SERVER, RESPONSE_PREFIX);

    private record Turn(int correlationId, byte @Nullable [] answer) {}

    /**
     * @param listeners the interceptor's listener for a broker address (cached per interceptor by the codec)
     */
    public KafkaInline(
            InlineContext context, TopicNames topicNames, Function<InetSocketAddress, InetSocketAddress> listeners) {
        this(context, topicNames, listeners, HOLD_LIMIT);
    }

    /** @param holdLimit frames larger than this stream through unchanged (never rewritten nor answered) */
    public KafkaInline(
            InlineContext context,
            TopicNames topicNames,
            Function<InetSocketAddress, InetSocketAddress> listeners,
            int holdLimit) {
        this.holdLimit = holdLimit;
        this.context = context;
        this.topicNames = topicNames;
        this.listeners = listeners;
        this.rewriter = KafkaAddressRewriter.using(this::listenerAddress);
    }

    @Override
    public void onData(Side from, ByteBuffer data) {
        if (passThrough) {
            context.send(from.other(), data);
            return;
        }
        (from == Side.CLIENT ? client : server).feed(data);
    }

    @Override
    public void onEnd(Side from) {
        if (!passThrough) {
            (from == Side.CLIENT ? client : server).flushHeld();
        }
    }

    /** From now on every byte passes unchanged; what was held goes first. */
    private void passThrough() {
        passThrough = true;
        client.flushHeld();
        server.flushHeld();
        for (var t : turns) {
            if (t.answer() != null) {
                context.send(Side.CLIENT, ByteBuffer.wrap(t.answer()));
            }
        }
        turns.clear();
    }

    /** One direction's framing: length, then the first bytes of the frame, then the rest held or streamed. */
    private final class Framer {
        private final Side side;
        private final int prefixSize;
        private final byte[] length = new byte[4];
        private int lengthRead;
        private int frameLength;
        private byte[] prefix;
        private int prefixRead;
        private byte @Nullable [] held;
        private int heldRead;
        private long streamLeft;
        /** The frame being streamed: its correlation id, for turn keeping (responses). */
        private int streamedCorrelationId;

        private boolean streamedIsResponse;

        Framer(Side side, int prefixSize) {
            this.side = side;
            this.prefixSize = prefixSize;
            this.prefix = new byte[prefixSize];
        }

        void feed(ByteBuffer data) {
            while (data.hasRemaining() && !passThrough) {
                if (streamLeft > 0) {
                    int n = (int) Math.min(streamLeft, data.remaining());
                    context.send(side.other(), data.duplicate().limit(data.position() + n));
                    data.position(data.position() + n);
                    streamLeft -= n;
                    if (streamLeft == 0) {
                        streamed();
                    }
                } else if (held != null) {
                    int n = Math.min(held.length - heldRead, data.remaining());
                    data.get(held, heldRead, n);
                    heldRead += n;
                    if (heldRead == held.length) {
                        var frame = held;
                        held = null;
                        heldRead = 0;
                        lengthRead = 0;
                        prefixRead = 0;
                        if (side == Side.CLIENT) {
                            request(frame);
                        } else {
                            response(frame);
                        }
                    }
                } else if (lengthRead < 4) {
                    length[lengthRead++] = data.get();
                    if (lengthRead == 4) {
                        frameLength = ByteBuffer.wrap(length).getInt();
                        if (frameLength < prefixSize || frameLength > MAX_FRAME) {
                            passThrough();
                            context.send(side.other(), data);
                            return;
                        }
                    }
                } else {
                    int n = Math.min(prefixSize - prefixRead, data.remaining());
                    data.get(prefix, prefixRead, n);
                    prefixRead += n;
                    if (prefixRead == prefixSize) {
                        if (side == Side.CLIENT) {
                            requestStart();
                        } else {
                            responseStart();
                        }
                        if (passThrough) {
                            context.send(side.other(), data);
                            return;
                        }
                    }
                }
            }
            if (passThrough && data.hasRemaining()) {
                context.send(side.other(), data);
            }
        }

        /** Holds the rest of this frame (the prefix read so far included). */
        void hold() {
            held = new byte[frameLength];
            System.arraycopy(prefix, 0, held, 0, prefixSize);
            heldRead = prefixSize;
            prefixRead = 0;
            if (heldRead == held.length) {
                var frame = held;
                held = null;
                heldRead = 0;
                lengthRead = 0;
                if (side == Side.CLIENT) {
                    request(frame);
                } else {
                    response(frame);
                }
            }
        }

        /** Sends the length and prefix on and streams the rest of the frame. */
        void stream(boolean isResponse, int correlationId) {
            var head =
                    ByteBuffer.allocate(4 + prefixSize).put(length).put(prefix).flip();
            context.send(side.other(), head);
            lengthRead = 0;
            prefixRead = 0;
            streamLeft = (long) frameLength - prefixSize;
            streamedIsResponse = isResponse;
            streamedCorrelationId = correlationId;
            if (streamLeft == 0) {
                streamed();
            }
        }

        private void streamed() {
            if (streamedIsResponse) {
                answered(streamedCorrelationId);
            }
        }

        /** What this side sent that is held: passed on unchanged. */
        void flushHeld() {
            if (held != null) {
                context.send(side.other(), ByteBuffer.wrap(length));
                context.send(side.other(), ByteBuffer.wrap(held, 0, heldRead));
                held = null;
                heldRead = 0;
                lengthRead = 0;
            } else if (lengthRead > 0 && streamLeft == 0) {
                int lengthBytes = Math.min(lengthRead, 4);
                context.send(side.other(), ByteBuffer.wrap(length, 0, lengthBytes));
                if (lengthRead == 4 && prefixRead > 0) {
                    context.send(side.other(), ByteBuffer.wrap(prefix, 0, prefixRead));
                }
                lengthRead = 0;
                prefixRead = 0;
            }
        }
    }

    // Requests

    private void requestStart() {
        var p = ByteBuffer.wrap(client.prefix);
        short apiKey = p.getShort();
        short version = p.getShort();
        int correlationId = p.getInt();
        if (!ApiKeys.hasId(apiKey)) {
            passThrough();
            return;
        }
        var key = ApiKeys.forId(apiKey);
        boolean needWhole = key == ApiKeys.PRODUCE || mayMatch(key);
        if (needWhole && client.frameLength <= holdLimit) {
            client.hold();
            return;
        }
        RequestHeader header;
        try {
            header = new RequestHeader(key, version, "", correlationId);
        } catch (RuntimeException e) {
            passThrough();
            return;
        }
        expect(header);
        client.stream(false, correlationId);
    }

    private void request(byte[] frame) {
        RequestHeader header;
        AbstractRequest request;
        try {
            var buffer = ByteBuffer.wrap(frame);
            header = RequestHeader.parse(buffer);
            request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(buffer))
                    .request;
        } catch (RuntimeException e) {
            // Not a request these protocol classes read (e.g. a newer ApiVersions): it goes on unjudged, and its
            // answer is awaited by the header's first fields; without even those, the connection passes through.
            var p = ByteBuffer.wrap(frame);
            short apiKey = p.getShort();
            short version = p.getShort();
            int correlationId = p.getInt();
            RequestHeader known = null;
            try {
                known = new RequestHeader(ApiKeys.forId(apiKey), version, "", correlationId);
            } catch (RuntimeException notEven) {
                // stays null
            }
            send(Side.SERVER, frame);
            if (known == null) {
                passThrough();
            } else {
                expect(known);
            }
            return;
        }
        var fault = matching(header.apiKey(), request);
        if (fault != null) {
            Optional<ByteBuffer> answer;
            try {
                answer = answer(header, request, fault);
            } catch (RuntimeException e) {
                answer = null;
            }
            if (answer != null) {
                context.acted(fault.name());
                answer.ifPresent(a -> {
                    var bytes = new byte[4 + a.remaining()];
                    ByteBuffer.wrap(bytes).putInt(a.remaining()).put(a);
                    turns.add(new Turn(header.correlationId(), bytes));
                    release();
                });
                return;
            }
        }
        boolean answered = !(request instanceof ProduceRequest produce && produce.acks() == 0);
        if (answered) {
            expect(header);
        }
        send(Side.SERVER, frame);
    }

    private void expect(RequestHeader header) {
        pending.put(header.correlationId(), header);
        turns.add(new Turn(header.correlationId(), null));
    }

    private void send(Side to, byte[] frame) {
        var out = ByteBuffer.allocate(4 + frame.length)
                .putInt(frame.length)
                .put(frame)
                .flip();
        context.send(to, out);
    }

    // Responses

    private void responseStart() {
        int correlationId = ByteBuffer.wrap(server.prefix).getInt();
        var header = pending.get(correlationId);
        if (header != null
                && KafkaAddressRewriter.REWRITTEN_API_KEYS.contains(header.apiKey())
                && server.frameLength <= holdLimit) {
            server.hold();
            return;
        }
        pending.remove(correlationId);
        server.stream(header != null, correlationId);
    }

    private void response(byte[] frame) {
        int correlationId = ByteBuffer.wrap(frame).getInt();
        var header = pending.remove(correlationId);
        ByteBuffer out = ByteBuffer.wrap(frame);
        if (header != null) {
            try {
                if (header.apiKey() == ApiKeys.METADATA) {
                    learnTopics(header, frame);
                }
                out = rewriter.rewrite(header, ByteBuffer.wrap(frame));
            } catch (RuntimeException e) {
                out = ByteBuffer.wrap(frame); // not readable: passed on as the broker sent it
            }
        }
        var bytes = new byte[out.remaining()];
        out.duplicate().get(bytes);
        send(Side.CLIENT, bytes);
        answered(correlationId);
    }

    private void learnTopics(RequestHeader header, byte[] frame) {
        var response = AbstractResponse.parseResponse(ByteBuffer.wrap(frame), header);
        if (response.data() instanceof MetadataResponseData m) {
            for (var t : m.topics()) {
                if (t.name() != null && t.topicId() != null) {
                    topicNames.learn(t.topicId().toString(), t.name());
                }
            }
        }
    }

    /** The broker answered this request: its turn is over, and our answers waiting for it may go. */
    private void answered(int correlationId) {
        while (!turns.isEmpty()) {
            var t = turns.peek();
            if (t.answer() != null) {
                break;
            }
            turns.poll();
            if (t.correlationId() == correlationId) {
                break;
            }
            // An earlier request the broker did not answer (it answers in order): its turn is over too.
        }
        release();
    }

    private void release() {
        while (!turns.isEmpty() && turns.peek().answer() != null) {
            context.send(Side.CLIENT, ByteBuffer.wrap(turns.poll().answer()));
        }
    }

    private HostPort listenerAddress(HostPort broker) {
        try {
            var listener = listeners.apply(new InetSocketAddress(broker.host(), broker.port()));
            return new HostPort(listener.getAddress().getHostAddress(), listener.getPort());
        } catch (RuntimeException e) {
            return broker; // no listener: the client goes to the broker itself
        }
    }

    // Faults

    /** A fault's parsed spec. */
    record Fault(
            String name, List<ApiKeys> apiKeys, @Nullable Pattern topic, Errors error) {}

    private boolean mayMatch(ApiKeys key) {
        for (var f : context.faults()) {
            var fault = KafkaFaultSpec.parse(f.name(), f.spec());
            if (fault != null && fault.apiKeys().contains(key)) {
                return true;
            }
        }
        return false;
    }

    private @Nullable Fault matching(ApiKeys key, AbstractRequest request) {
        for (var f : context.faults()) {
            var fault = KafkaFaultSpec.parse(f.name(), f.spec());
            if (fault == null || !fault.apiKeys().contains(key)) {
                continue;
            }
            if (fault.topic() == null || topicMatches(fault.topic(), request)) {
                return fault;
            }
        }
        return null;
    }

    private boolean topicMatches(Pattern topic, AbstractRequest request) {
        if (request.data() instanceof ProduceRequestData produce) {
            for (var t : produce.topicData()) {
                if (named(topic, t.name(), t.topicId())) {
                    return true;
                }
            }
        } else if (request.data() instanceof FetchRequestData fetch) {
            for (var t : fetch.topics()) {
                if (named(topic, t.topic(), t.topicId())) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean named(Pattern topic, @Nullable String name, @Nullable Uuid id) {
        var n = name(name, id);
        return n != null && topic.matcher(n).matches();
    }

    private @Nullable String name(@Nullable String name, @Nullable Uuid id) {
        if (name != null && !name.isEmpty()) {
            return name;
        }
        return id == null ? null : topicNames.name(id.toString());
    }

    /**
     * The error answer: Produce, every partition (the broker stores none of the request); Fetch, the matching
     * partitions (the others return no records); other requests, the error wherever their response carries one.
     * Empty for a Produce with acks=0 (no answer).
     */
    private Optional<ByteBuffer> answer(RequestHeader header, AbstractRequest request, Fault fault) {
        if (request.data() instanceof FetchRequestData) {
            return KafkaFaults.partitionErrorResponse(header, request, (topic, partition) -> {
                var name = topic;
                if (fault.topic() == null) {
                    return fault.error();
                }
                var resolved = topicNames.name(topic);
                if (resolved != null) {
                    name = resolved;
                }
                return fault.topic().matcher(name).matches() ? fault.error() : Errors.NONE;
            });
        }
        if (request.data() instanceof ProduceRequestData) {
            return KafkaFaults.partitionErrorResponse(header, request, (topic, partition) -> fault.error());
        }
        return KafkaFaults.errorResponse(header, request, fault.error());
    }
}
