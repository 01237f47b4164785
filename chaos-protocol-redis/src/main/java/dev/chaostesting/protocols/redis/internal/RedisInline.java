package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.protocols.redis.RedisFaults;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Redis in line: commands matching a protocol fault are answered with an error reply, or end the connection, in place
 * of the server, which never sees them; everything else passes through. Framing uses {@link RespReader} on both sides.
 *
 * <p>A command is held until it is complete, or until its name and keys are known (a big value then streams through).
 * Replies pass on as they arrive. An injected answer keeps its turn: it goes to the client only once the server has
 * answered every earlier command (pipelining), counting replies as the decoder pairs them: pushes and pub/sub messages
 * are no replies, subscribe commands get one confirmation per channel, commands sent while {@code CLIENT REPLY OFF} (or
 * after {@code SKIP}) get none, and a faulted command that would have used up a {@code SKIP} is replaced by a
 * {@code PING} (its reply skipped) so that the server's skip falls where the client expects. Inside {@code MULTI} a faulted command is answered at queue time, and the {@code EXEC}
 * that follows is answered {@code -EXECABORT} while the server is sent {@code DISCARD} (its reply dropped), as Redis
 * does after a queue-time error. Bytes it cannot read pass through unchanged from then on.
 */
public final class RedisInline implements InlineHandler {

    /** Bytes of one command held before deciding with what is known of it. */
    static final int HOLD_LIMIT = 64 * 1024;
    /** Commands waiting for replies, at most; beyond that the connection passes through. */
    static final int MAX_TURNS = 65536;

    private static final Pattern MONITOR_LINE = Pattern.compile("^[0-9]+\\.[0-9]+ \\[");
    private static final Set<String> MESSAGES = Set.of("message", "pmessage", "smessage");
    private static final byte[] EXECABORT =
            "-EXECABORT Transaction discarded because of previous errors.\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DISCARD = "*1\r\n$7\r\nDISCARD\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One command's turn: a reply the server owes, or our answer (or close) waiting for the earlier ones. */
    private static final class Turn {
        final String name;
        final byte @Nullable [] ours;
        final int close; // 0: none, 1: close, 2: reset
        final @Nullable String confirmation;
        int expected;
        int got;
        /** The server's reply to this turn is not the client's (a DISCARD sent in place of EXEC): dropped. */
        boolean swallow;

        Turn(String name, byte @Nullable [] ours, int close, @Nullable String confirmation, int expected) {
            this.name = name;
            this.ours = ours;
            this.close = close;
            this.confirmation = confirmation;
            this.expected = expected;
        }

        boolean theirs() {
            return ours == null && close == 0;
        }
    }

    private enum Decision {
        UNDECIDED,
        FORWARD,
        DROP
    }

    private final InlineContext context;
    private final RespReader clientReader = new RespReader(true, 4096);
    private final RespReader serverReader = new RespReader(false, 256);
    private final ByteArrayOutputStream command = new ByteArrayOutputStream();
    private Decision decision = Decision.UNDECIDED;
    private final ArrayDeque<Turn> turns = new ArrayDeque<>();
    private final Subscriptions subscriptions = new Subscriptions();

    private boolean clientPassThrough;
    private boolean passThrough;
    private boolean closing;
    private boolean inMulti;
    private boolean multiAborted;
    private boolean monitoring;
    private boolean repliesOff;
    private boolean skipNext;
    private RedisFaults.Protocol protocol = RedisFaults.Protocol.RESP2;
    /** Whether the server bytes of the value being read are dropped. */
    private boolean dropping;

    private @Nullable RuntimeException failure;

    public RedisInline(InlineContext context) {
        this.context = context;
    }

    /** The unexpected exception that made the connection pass through, if any (for tests). */
    public @Nullable RuntimeException failure() {
        return failure;
    }

    @Override
    public void onData(Side from, ByteBuffer data) {
        try {
            if (passThrough) {
                context.send(from.other(), data);
            } else if (from == Side.CLIENT) {
                client(data);
            } else {
                server(data);
            }
        } catch (RuntimeException e) {
            // Never expected; whatever was not handled goes on unchanged.
            failure = e;
            passThrough();
            if (data.hasRemaining()) {
                context.send(from.other(), data);
            }
        }
    }

    @Override
    public void onEnd(Side from) {
        if (from == Side.CLIENT && !closing && command.size() > 0) {
            context.send(Side.SERVER, ByteBuffer.wrap(command.toByteArray()));
            command.reset();
        }
    }

    // ---- client side ----

    private void client(ByteBuffer data) {
        if (closing) {
            data.position(data.limit()); // the connection is going away: the server sees nothing more
            return;
        }
        if (clientPassThrough) {
            context.send(Side.SERVER, data);
            return;
        }
        while (data.hasRemaining()) {
            if (passThrough) {
                context.send(Side.SERVER, data);
                return;
            }
            if (closing) {
                data.position(data.limit());
                return;
            }
            int start = data.position();
            RespReader.Frame frame;
            try {
                frame = clientReader.next(data, 0);
            } catch (MalformedRespException e) {
                clientPassThrough = true;
                if (decision != Decision.DROP) {
                    command.writeBytes(bytes(data, start, data.position()));
                    flushCommand();
                }
                command.reset();
                context.send(Side.SERVER, data);
                return;
            }
            var chunk = data.duplicate().position(start).limit(data.position());
            switch (decision) {
                case FORWARD -> context.send(Side.SERVER, chunk);
                case DROP -> {}
                case UNDECIDED -> command.writeBytes(bytes(data, start, data.position()));
            }
            if (frame != null) {
                if (decision == Decision.UNDECIDED) {
                    decide(frame.value().elements, true);
                }
                if (decision == Decision.FORWARD && !passThrough) {
                    forwarded(word(frame.value().elements, 0), frame.value());
                }
                decision = Decision.UNDECIDED;
                command.reset();
            } else if (decision == Decision.UNDECIDED) {
                var partial = clientReader.partial();
                if (partial != null && Keys.known(partial.elements)) {
                    decide(partial.elements, false);
                } else if (command.size() > HOLD_LIMIT) {
                    decide(partial == null ? List.of() : partial.elements, false);
                }
            }
        }
    }

    private static byte[] bytes(ByteBuffer data, int from, int to) {
        var out = new byte[to - from];
        data.duplicate().position(from).limit(to).get(out);
        return out;
    }

    private void flushCommand() {
        if (command.size() > 0) {
            context.send(Side.SERVER, ByteBuffer.wrap(command.toByteArray()));
            command.reset();
        }
    }

    /** Decides a command's fate from its arguments (all of them when {@code whole}). */
    private void decide(List<Resp> args, boolean whole) {
        if (turns.size() >= MAX_TURNS) {
            flushCommand();
            passThrough();
            return;
        }
        var name = word(args, 0);
        if (name.equals("EXEC") && inMulti && multiAborted) {
            // Our queue-time error aborted the transaction: the server ends it, the client is told so in its turn.
            decision = Decision.DROP;
            command.reset();
            endTransactionOnServer();
            turns.add(new Turn(name, EXECABORT, 0, null, 0));
            release();
            return;
        }
        var fault = name.isEmpty() ? null : match(name, args);
        if (fault == null) {
            decision = Decision.FORWARD; // followed once the whole command is read
            flushCommand();
            return;
        }
        decision = Decision.DROP;
        command.reset();
        context.acted(fault.name());
        if (fault.close() != 0) {
            closing = true;
            turns.add(new Turn(name, null, fault.close(), null, 0));
            release();
            return;
        }
        if (repliesOff || skipNext) {
            // The server would not have replied, to the error either. A skip is used up on the server with a PING,
            // so that the next command's reply is not the one skipped.
            if (skipNext) {
                context.send(Side.SERVER, ByteBuffer.wrap(PING));
            }
            skipNext = false;
            return;
        }
        if (name.equals("EXEC") && inMulti) {
            endTransactionOnServer();
        }
        turns.add(new Turn(name, fault.error().encode(protocol), 0, null, 0));
        if (inMulti) {
            multiAborted = true;
        }
        release();
    }

    /** The server is sent DISCARD (its reply dropped) to end the transaction it holds open. */
    private void endTransactionOnServer() {
        var discard = new Turn("DISCARD", null, 0, null, 1);
        discard.swallow = true;
        turns.add(discard);
        context.send(Side.SERVER, ByteBuffer.wrap(DISCARD));
        inMulti = false;
        multiAborted = false;
    }

    /** Follows the state a command sent to the server changes, and queues the turn of its replies. */
    private void forwarded(String name, Resp value) {
        var args = value.elements;
        var sub = word(args, 1);
        boolean replyCommand = name.equals("CLIENT") && sub.equals("REPLY");
        var mode = replyCommand ? word(args, 2) : "";
        switch (name) {
            case "MULTI" -> inMulti = true;
            case "EXEC", "DISCARD", "RESET" -> {
                inMulti = false;
                multiAborted = false;
            }
            default -> {}
        }
        if ((repliesOff || skipNext) && !(replyCommand && mode.equals("ON"))) {
            skipNext = false;
            return;
        }
        if (replyCommand && (mode.equals("OFF") || mode.equals("SKIP"))) {
            repliesOff = mode.equals("OFF");
            skipNext = mode.equals("SKIP");
            return;
        }
        if (replyCommand && mode.equals("ON")) {
            repliesOff = false;
            skipNext = false;
        }
        if (name.equals("RESET")) {
            repliesOff = false;
            skipNext = false;
        }
        var subscription = Subscription.of(name, (int) Math.min(Integer.MAX_VALUE, value.count - 1));
        turns.add(new Turn(name, null, 0, subscription.confirmation(), subscription.expected()));
    }

    private InlineFault.@Nullable Matched match(String name, List<Resp> args) {
        for (var active : context.faults()) {
            var matched = InlineFault.match(active, name, args);
            if (matched != null) {
                return matched;
            }
        }
        return null;
    }

    // ---- server side ----

    private void server(ByteBuffer data) {
        int from = data.position();
        while (data.hasRemaining()) {
            if (!serverReader.inFrame()) {
                boolean drop =
                        !turns.isEmpty() && turns.peek().swallow && data.get(data.position()) != RespType.PUSH.marker();
                if (drop != dropping) {
                    if (!dropping) {
                        send(data, from, data.position());
                    }
                    from = data.position();
                    dropping = drop;
                }
            }
            RespReader.Frame frame;
            try {
                frame = serverReader.next(data, 0);
            } catch (MalformedRespException e) {
                if (!dropping) {
                    send(data, from, data.position());
                }
                passThrough();
                context.send(Side.CLIENT, data);
                return;
            }
            if (frame != null) {
                if (!dropping) {
                    send(data, from, data.position());
                }
                from = data.position();
                dropping = false;
                reply(frame.value());
                if (passThrough) {
                    context.send(Side.CLIENT, data);
                    return;
                }
            }
        }
        if (!dropping) {
            send(data, from, data.position());
        }
    }

    private void send(ByteBuffer data, int from, int to) {
        if (to > from) {
            context.send(Side.CLIENT, data.duplicate().position(from).limit(to));
        }
    }

    private void reply(Resp value) {
        var kind = value.kind();
        var head = turns.peek();
        if (value.type == RespType.PUSH || (value.type == RespType.ARRAY && kind != null)) {
            if (head != null && head.confirmation != null && head.confirmation.equals(kind)) {
                if (head.expected < 0) {
                    head.expected = Math.max(1, subscriptions.count(kind));
                }
                subscriptions.confirmed(kind, value);
                if (++head.got >= head.expected) {
                    turns.poll();
                    release();
                }
                return;
            }
            if (value.type == RespType.PUSH || (MESSAGES.contains(kind) && subscriptions.any())) {
                return; // not a reply to a command
            }
        }
        if (monitoring
                && value.type == RespType.SIMPLE
                && MONITOR_LINE.matcher(value.text()).find()) {
            return;
        }
        if (head == null) {
            return; // unpaired: passed on as it is
        }
        if (head.expected < 0) {
            head.expected = 1;
        }
        boolean error = value.type == RespType.ERROR || value.type == RespType.BULK_ERROR;
        if (++head.got >= head.expected || error) {
            turns.poll();
            if (!error) {
                switch (head.name) {
                    case "MONITOR" -> monitoring = true;
                    case "RESET" -> {
                        monitoring = false;
                        subscriptions.clear();
                        protocol = RedisFaults.Protocol.RESP2;
                    }
                    case "HELLO" ->
                        protocol = value.type == RespType.MAP ? RedisFaults.Protocol.RESP3 : RedisFaults.Protocol.RESP2;
                    default -> {}
                }
            }
            release();
        }
    }

    /** Sends our answers that are next in turn; a close ends the connection. */
    private void release() {
        while (!turns.isEmpty() && !turns.peek().theirs()) {
            var turn = turns.poll();
            if (turn.close != 0) {
                turns.clear();
                context.close(turn.close == 2);
                passThrough = true;
                return;
            }
            context.send(Side.CLIENT, ByteBuffer.wrap(turn.ours));
        }
    }

    /**
     * From now on everything passes unchanged. Our answers still waiting are sent at once (their turn can no longer be
     * told).
     */
    private void passThrough() {
        if (passThrough) {
            return;
        }
        passThrough = true;
        if (decision != Decision.DROP) {
            flushCommand();
        }
        command.reset();
        for (var turn : turns) {
            if (turn.close != 0) {
                context.close(turn.close == 2);
                break;
            }
            if (turn.ours != null) {
                context.send(Side.CLIENT, ByteBuffer.wrap(turn.ours));
            }
        }
        turns.clear();
    }

    private static String word(List<Resp> args, int i) {
        return i < args.size() ? args.get(i).text().toUpperCase(Locale.ROOT) : "";
    }
}
