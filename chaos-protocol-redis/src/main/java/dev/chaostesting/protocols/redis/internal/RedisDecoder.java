package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.BodyCollector;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one Redis connection: commands from the client, replies and pushes from the server, paired in order
 * (pipelining), with the pub/sub, MONITOR, MULTI/EXEC and CLIENT REPLY rules described in docs/protocols/redis.md.
 */
public final class RedisDecoder implements StreamDecoder {

    public static final String PROTOCOL = "redis";
    /** Commands waiting for replies, at most. */
    static final int MAX_PENDING = 65536;
    /** Recorded bytes of the commands waiting for replies, at most. */
    static final long MAX_PENDING_BYTES = 32L << 20;

    private static final Pattern MONITOR_LINE = Pattern.compile("^[0-9]+\\.[0-9]+ \\[");
    private static final Set<String> MESSAGES = Set.of("message", "pmessage", "smessage");
    private static final Set<String> NOT_QUEUED =
            Set.of("EXEC", "DISCARD", "MULTI", "WATCH", "UNWATCH", "RESET", "QUIT");

    private final DecoderContext context;
    private final RespReader clientReader;
    private final RespReader serverReader;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long pendingBytes;
    private final Subscriptions subscriptions = new Subscriptions();
    private @Nullable List<@Nullable Object> queued;
    private boolean monitoring;
    private boolean repliesOff;
    private boolean skipNextReply;
    private boolean failed;

    public RedisDecoder(DecoderContext context) {
        this.context = context;
        this.clientReader = new RespReader(true, context.maxBodyBytes());
        this.serverReader = new RespReader(false, context.maxBodyBytes());
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        var reader = side == Side.CLIENT ? clientReader : serverReader;
        while (data.hasRemaining() && !failed) {
            RespReader.Frame frame;
            try {
                frame = reader.next(data, atMicros);
            } catch (MalformedRespException e) {
                fail(e.getMessage(), side, data.slice());
                return;
            }
            if (frame != null) {
                if (side == Side.CLIENT) {
                    onCommand(frame, data);
                } else {
                    onReply(frame);
                }
            }
        }
    }

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (failed) {
            return;
        }
        // After a reset nothing more comes from either side.
        for (var s : reset ? Side.values() : new Side[] {side}) {
            var reader = s == Side.CLIENT ? clientReader : serverReader;
            if (reader.inFrame()) {
                endInFrame(
                        s,
                        reader,
                        "connection " + (reset ? "reset" : "closed") + " in a "
                                + (s == Side.CLIENT ? "command" : "reply"));
            }
        }
        if (side == Side.SERVER || reset) {
            var error = reset ? "connection reset before the response" : "connection closed before the response";
            while (!pending.isEmpty()) {
                emit(pending.poll(), error);
            }
        }
    }

    /** Bytes lost from a capture cannot be skipped in RESP (lengths would be wrong): decoding stops. */
    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        if (!failed) {
            fail(
                    missingBytes + " bytes missing from the " + side.name().toLowerCase(Locale.ROOT),
                    side,
                    ByteBuffer.allocate(0));
        }
        return false;
    }

    /**
     * A side ended in the middle of a value: its bytes are recorded as a raw TCP interaction when they were all held,
     * else as far as they were decoded.
     */
    private void endInFrame(Side side, RespReader reader, String problem) {
        if (reader.holdsFrame()) {
            var held = reader.held();
            var collector = new BodyCollector(context.maxBodyBytes());
            collector.append(held);
            var data = new TcpData(collector.toBody());
            var b = context.newInteraction("tcp", reader.frameStartMicros())
                    .durationMicros(reader.lastMicros() - reader.frameStartMicros())
                    .error(problem);
            if (side == Side.CLIENT) {
                b.request(data).requestBytes(collector.size()).timeToFirstByteMicros(-1);
            } else {
                b.response(data).responseBytes(collector.size()).timeToFirstByteMicros(0);
            }
            context.emit(b);
        } else if (side == Side.CLIENT) {
            emitPartialCommand(problem);
        } else {
            emitPartialReply(problem);
        }
        reader.discardFrame();
    }

    private void onCommand(RespReader.Frame frame, ByteBuffer rest) {
        var value = frame.value();
        var command = Secrets.recorded(value.elements);
        var args = value.elements;
        var name = word(args, 0);
        var request = StructuredMessage.builder();
        request.put("command", command);
        request.put("name", name);
        if (value.elementsTruncated()) {
            request.put("size", value.count);
            request.put("truncated", true);
        }
        if (frame.inline()) {
            request.put("inline", true);
        }

        if (queued != null && !NOT_QUEUED.contains(name)) {
            queued.add(command);
        }
        switch (name) {
            case "MULTI" -> {
                if (queued == null) {
                    queued = new ArrayList<>();
                }
            }
            case "EXEC" -> {
                if (queued != null) {
                    request.put("queued", List.copyOf(queued));
                }
                queued = null;
            }
            case "DISCARD", "RESET" -> queued = null;
            default -> {}
        }

        boolean replyCommand = name.equals("CLIENT") && word(args, 1).equals("REPLY");
        var mode = replyCommand ? word(args, 2) : "";
        // CLIENT REPLY ON is always answered; every other command is silenced while replies are off or skipped.
        if ((repliesOff || skipNextReply) && !(replyCommand && mode.equals("ON"))) {
            var why = repliesOff ? "off" : "skip";
            skipNextReply = false;
            emitWithoutReply(frame, request.build(), why);
            return;
        }
        if (replyCommand && (mode.equals("OFF") || mode.equals("SKIP"))) {
            repliesOff = mode.equals("OFF");
            skipNextReply = mode.equals("SKIP");
            emitWithoutReply(frame, request.build(), mode.toLowerCase(Locale.ROOT));
            return;
        }
        if (replyCommand && mode.equals("ON")) {
            repliesOff = false;
            skipNextReply = false;
        }

        var subscription = Subscription.of(name, args.size() - 1);
        String confirmation = subscription.confirmation();
        int expected = subscription.expected();
        if (pending.size() >= MAX_PENDING || pendingBytes > MAX_PENDING_BYTES) {
            pending.add(new Pending(request.build(), name, frame.startMicros(), frame.bytes(), confirmation, expected));
            fail(
                    "pipeline: over "
                            + (pending.size() >= MAX_PENDING
                                    ? MAX_PENDING + " commands"
                                    : MAX_PENDING_BYTES + " recorded bytes")
                            + " waiting for replies (expected: <= " + MAX_PENDING + " commands, " + MAX_PENDING_BYTES
                            + " bytes)",
                    Side.CLIENT,
                    rest.slice());
            return;
        }
        pendingBytes += Math.min(frame.bytes(), Math.max(context.maxBodyBytes(), 1024)) + 64;
        pending.add(new Pending(request.build(), name, frame.startMicros(), frame.bytes(), confirmation, expected));
    }

    private void onReply(RespReader.Frame frame) {
        var value = frame.value();
        var kind = value.kind();
        var head = pending.peek();
        if (value.type == RespType.PUSH || (value.type == RespType.ARRAY && kind != null)) {
            if (head != null && head.confirmedBy(kind)) {
                confirm(head, frame, kind);
                return;
            }
            if (value.type == RespType.PUSH || (MESSAGES.contains(kind) && subscriptions.any())) {
                emitUnrequested(frame, kind, null);
                return;
            }
        }
        if (monitoring
                && value.type == RespType.SIMPLE
                && MONITOR_LINE.matcher(value.text()).find()) {
            emitUnrequested(frame, "monitor", null);
            return;
        }
        if (head == null) {
            emitUnrequested(frame, null, "no command was waiting for this reply");
            return;
        }
        head.replies.add(frame);
        if (head.expected < 0) {
            head.expected = 1;
        }
        if (head.replies.size() >= head.expected || value.type == RespType.ERROR || value.type == RespType.BULK_ERROR) {
            pending.poll();
            afterReply(head, value);
            emit(head, null);
        }
    }

    private void confirm(Pending head, RespReader.Frame frame, String kind) {
        if (head.expected < 0) {
            head.expected = Math.max(1, subscriptions.count(kind));
        }
        subscriptions.confirmed(kind, frame.value());
        head.replies.add(frame);
        if (head.replies.size() >= head.expected) {
            pending.poll();
            emit(head, null);
        }
    }

    private void afterReply(Pending command, Resp reply) {
        boolean ok = reply.type != RespType.ERROR && reply.type != RespType.BULK_ERROR;
        if (command.name.equals("MONITOR") && ok) {
            monitoring = true;
        } else if (command.name.equals("RESET") && ok) {
            monitoring = false;
            subscriptions.clear();
            queued = null;
        }
    }

    private static String word(List<Resp> args, int i) {
        if (i >= args.size()) {
            return "";
        }
        // A command name is ASCII: upper-cased straight from its bytes, without a string in between.
        var data = args.get(i).data;
        var upper = new byte[data.length];
        for (int k = 0; k < data.length; k++) {
            byte c = data[k];
            if (c < 0) {
                return args.get(i).text().toUpperCase(Locale.ROOT);
            }
            upper[k] = c >= 'a' && c <= 'z' ? (byte) (c - 32) : c;
        }
        return new String(upper, StandardCharsets.ISO_8859_1);
    }

    private void emit(Pending command, @Nullable String error) {
        pendingBytes = Math.max(0, pendingBytes - Math.min(command.bytes, Math.max(context.maxBodyBytes(), 1024)) - 64);
        var b = context.newInteraction(PROTOCOL, command.startMicros)
                .request(command.request)
                .requestBytes(command.bytes)
                .responseBytes(command.replyBytes());
        if (command.replies.isEmpty()) {
            b.timeToFirstByteMicros(-1).durationMicros(0);
        } else {
            var first = command.replies.get(0);
            var last = command.replies.get(command.replies.size() - 1);
            b.timeToFirstByteMicros(first.startMicros() - command.startMicros)
                    .durationMicros(last.endMicros() - command.startMicros)
                    .response(new StructuredMessage(replies(command.replies)));
        }
        if (error != null) {
            b.error(error);
        }
        context.emit(b);
    }

    private static Map<String, @Nullable Object> replies(List<RespReader.Frame> replies) {
        if (replies.size() == 1) {
            return Values.reply(replies.get(0).value());
        }
        var fields = new LinkedHashMap<String, @Nullable Object>();
        fields.put("type", replies.get(0).value().type.recordedName());
        fields.put("replies", replies.size());
        var values = new ArrayList<@Nullable Object>();
        for (var r : replies) {
            values.add(Values.nested(r.value()));
        }
        fields.put("value", values);
        return fields;
    }

    private void emitWithoutReply(RespReader.Frame frame, StructuredMessage request, String replyMode) {
        context.emit(context.newInteraction(PROTOCOL, frame.startMicros())
                .request(request)
                .requestBytes(frame.bytes())
                .timeToFirstByteMicros(-1)
                .durationMicros(frame.endMicros() - frame.startMicros())
                .attribute("clientReply", replyMode));
    }

    private void emitUnrequested(RespReader.Frame frame, @Nullable String kind, @Nullable String unpaired) {
        var fields = Values.reply(frame.value());
        fields.put("push", true);
        if (kind != null) {
            fields.put("kind", kind);
        }
        var b = context.newInteraction(PROTOCOL, frame.startMicros())
                .response(new StructuredMessage(fields))
                .responseBytes(frame.bytes())
                .timeToFirstByteMicros(0)
                .durationMicros(frame.endMicros() - frame.startMicros());
        if (unpaired != null) {
            fields.remove("push");
            b.response(new StructuredMessage(fields)).attribute("unpaired", unpaired);
        }
        context.emit(b);
    }

    /**
     * Gives up: emits what was decoded, hands the bytes not yet recorded to the raw recorder. A value too long to have
     * been held back whole is emitted as far as it was decoded, with its bytes counted, so nothing is lost or counted
     * twice.
     */
    private void fail(String reason, Side side, ByteBuffer remainder) {
        failed = true;
        var empty = ByteBuffer.allocate(0);
        var clientBack = back(clientReader, side == Side.CLIENT ? remainder : empty);
        var serverBack = back(serverReader, side == Side.SERVER ? remainder : empty);
        if (serverReader.inFrame() && !serverReader.holdsFrame()) {
            emitPartialReply("response not fully decoded: " + reason);
        }
        while (!pending.isEmpty()) {
            emit(pending.poll(), "response not decoded: " + reason);
        }
        if (clientReader.inFrame() && !clientReader.holdsFrame()) {
            emitPartialCommand("request not fully decoded: " + reason);
        }
        context.failOpen(reason, clientBack, serverBack);
    }

    /** The reply being read, too long to hand back, goes with the oldest command as far as it was read. */
    private void emitPartialReply(String error) {
        var head = pending.poll();
        var b = head == null
                ? context.newInteraction(PROTOCOL, serverReader.frameStartMicros())
                        .timeToFirstByteMicros(0)
                : context.newInteraction(PROTOCOL, head.startMicros)
                        .request(head.request)
                        .requestBytes(head.bytes)
                        .timeToFirstByteMicros(serverReader.frameStartMicros() - head.startMicros);
        context.emit(b.responseBytes((head == null ? 0 : head.replyBytes()) + serverReader.frameBytes())
                .durationMicros(
                        serverReader.lastMicros() - (head == null ? serverReader.frameStartMicros() : head.startMicros))
                .error(error));
    }

    /** The command being read, too long to hand back, with the arguments read so far. */
    private void emitPartialCommand(String error) {
        var request = new LinkedHashMap<String, @Nullable Object>();
        var partial = clientReader.partial();
        var command = partial == null ? List.<@Nullable Object>of() : Secrets.recorded(partial.elements);
        request.put("command", command);
        request.put("truncated", true);
        context.emit(context.newInteraction(PROTOCOL, clientReader.frameStartMicros())
                .request(new StructuredMessage(request))
                .requestBytes(clientReader.frameBytes())
                .timeToFirstByteMicros(-1)
                .durationMicros(clientReader.lastMicros() - clientReader.frameStartMicros())
                .error(error));
    }

    private static ByteBuffer back(RespReader reader, ByteBuffer remainder) {
        if (!reader.inFrame() || !reader.holdsFrame()) {
            return remainder;
        }
        var held = reader.held();
        var all = ByteBuffer.allocate(held.remaining() + remainder.remaining());
        all.put(held).put(remainder.duplicate()).flip();
        return all;
    }
}
