package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.x in line: each request head is held until complete and judged against the protocol faults active then. A
 * request answered by a fault ({@code respond}, {@code abort} on the request) is consumed, body included, and never
 * reaches the server; its answer waits its turn behind the answers the server owes for earlier requests (pipelining).
 * Other requests pass on, their bodies streamed; a fault on the response ({@code delayHeaders}, {@code truncateBody},
 * {@code abort} after the headers, {@code replace}) acts on the server's response to that request, whose body is
 * streamed too. Framing
 * (Content-Length, chunked, until close, HEAD, 1xx, 204, 304) is the codec's own ({@link HeadParser},
 * {@link BodyReader}, {@link Framing}). CONNECT and Upgrade requests are never faulted: once one is sent, the client's
 * bytes pass unchanged, and once the server answers it, everything does. Bytes the head parser refuses, or a response
 * no request is waiting for, put the connection in pass-through.
 */
final class Http1Inline implements InlineHandler {

    /** Runs an action later, on the thread that calls the handler. */
    interface Timer {
        void schedule(long delayNanos, Runnable action);
    }

    /** One request, in the order the client sent them. */
    private static final class Turn {
        final Head request;
        final boolean tunnel;
        final @Nullable HttpFaultSpec fault;
        final String faultName;
        /** Our answer (for a request answered locally), or null when the server answers it. */
        final byte @Nullable [] answer;

        final boolean closeAfter;

        Turn(
                Head request,
                boolean tunnel,
                @Nullable HttpFaultSpec fault,
                String faultName,
                byte @Nullable [] answer,
                boolean closeAfter) {
            this.request = request;
            this.tunnel = tunnel;
            this.fault = fault;
            this.faultName = faultName;
            this.answer = answer;
            this.closeAfter = closeAfter;
        }

        boolean ours() {
            return answer != null;
        }
    }

    private enum ServerState {
        HEAD,
        BODY,
        DELAYING
    }

    private final InlineContext context;
    private final Timer timer;

    private final HeadParser requestParser = new HeadParser(HeadParser.Kind.REQUEST);
    private final BodyReader requestBody = new BodyReader();
    private boolean inRequestBody;
    /** The request whose body is being read is consumed (answered by a fault): its bytes are dropped. */
    private boolean dropBody;
    /** A tunnel request was sent: the client's bytes pass unchanged. */
    private boolean clientRaw;
    /** The connection will be ended by a fault: the client's later bytes are dropped. */
    private boolean clientDone;

    private boolean pendingTunnel;

    private final HeadParser responseParser = new HeadParser(HeadParser.Kind.RESPONSE);
    private final BodyReader responseBody = new BodyReader();
    private ServerState serverState = ServerState.HEAD;
    private long bodySent;
    /** The server's body of the response being read is replaced: it is read and dropped. */
    private boolean dropResponseBody;

    private byte[] delayedHead = new byte[0];
    private List<byte[]> delayed = new ArrayList<>();

    private final ArrayDeque<Turn> turns = new ArrayDeque<>();
    private final Map<Map<String, Object>, HttpFaultSpec> specs = new java.util.HashMap<>();
    private boolean passThrough;
    private boolean ended;

    Http1Inline(InlineContext context, Timer timer) {
        this.context = context;
        this.timer = timer;
    }

    @Override
    public synchronized void onData(Side from, ByteBuffer data) {
        if (ended) {
            return;
        }
        if (passThrough) {
            context.send(from.other(), data);
            return;
        }
        if (from == Side.CLIENT) {
            client(data);
        } else {
            server(data);
        }
    }

    @Override
    public synchronized void onEnd(Side from) {
        if (ended || passThrough) {
            return;
        }
        if (from == Side.CLIENT) {
            if (!clientDone && !dropBody) {
                if (inRequestBody) {
                    return; // body bytes were sent as they came
                }
                context.send(Side.SERVER, requestParser.unparsed());
                requestParser.reset();
            }
        } else {
            // Nothing more comes from the server: what is held goes now (a delay is cut short).
            if (serverState == ServerState.DELAYING) {
                flushDelayed();
            }
            if (serverState == ServerState.HEAD) {
                context.send(Side.CLIENT, responseParser.unparsed());
                responseParser.reset();
            }
        }
    }

    // Client side

    private void client(ByteBuffer data) {
        while (data.hasRemaining() && !passThrough && !ended) {
            if (clientDone) {
                data.position(data.limit());
                return;
            }
            if (clientRaw) {
                context.send(Side.SERVER, data);
                return;
            }
            if (inRequestBody) {
                int start = data.position();
                boolean done;
                try {
                    done = requestBody.read(data, null);
                } catch (MalformedHttpException e) {
                    clientPassThrough(data.duplicate().position(start));
                    return;
                }
                if (!dropBody) {
                    context.send(Side.SERVER, data.duplicate().position(start).limit(data.position()));
                }
                if (!done) {
                    return;
                }
                inRequestBody = false;
                dropBody = false;
                if (pendingTunnel) {
                    clientRaw = true;
                }
                continue;
            }
            int start = data.position();
            boolean complete;
            try {
                complete = requestParser.parse(data);
            } catch (MalformedHttpException e) {
                var held = requestParser.unparsed();
                int consumedHere = data.position() - start;
                // The parser's buffer holds what it consumed of this call too; hand it all back once.
                held.limit(Math.max(0, held.limit() - consumedHere));
                context.send(Side.SERVER, held);
                requestParser.reset();
                clientPassThrough(data.duplicate().position(start));
                return;
            }
            if (!complete) {
                return;
            }
            request(data);
        }
    }

    /** A request head is complete (its bytes are in the parser). */
    private void request(ByteBuffer data) {
        var head = requestParser.head();
        var raw = requestParser.unparsed();
        requestParser.reset();
        Framing framing;
        try {
            framing = Framing.ofRequest(head);
        } catch (MalformedHttpException e) {
            context.send(Side.SERVER, raw);
            clientPassThrough(data);
            return;
        }
        boolean tunnel = head.isConnect() || head.upgrade() != null;
        HttpFaultSpec fault = null;
        String faultName = "";
        if (!tunnel) {
            for (var active : context.faults()) {
                var spec = spec(active.spec());
                if (spec == null) {
                    continue;
                }
                if (spec.matches(head)) {
                    fault = spec;
                    faultName = active.name();
                    break;
                }
            }
        }
        requestBody.start(framing);
        inRequestBody = framing.kind() != Framing.Kind.NONE;
        if (fault != null && fault.answersLocally()) {
            context.acted(faultName);
            boolean close = fault.action() == HttpFaultSpec.Action.ABORT_REQUEST
                    || wantsClose(head)
                    || head.headers().hasToken("Expect", "100-continue")
                    || fault.answerHeaders().entrySet().stream()
                            .anyMatch(h -> h.getKey().equalsIgnoreCase("Connection")
                                    && h.getValue().toLowerCase(Locale.ROOT).contains("close"));
            byte[] answer = fault.action() == HttpFaultSpec.Action.RESPOND ? answer(head, fault, close) : new byte[0];
            turns.add(new Turn(head, false, fault, faultName, answer, close));
            dropBody = true;
            if (close) {
                // The connection ends with this answer: what the client sends after it is never passed on.
                clientDone = true;
                inRequestBody = false;
            }
            release();
        } else {
            turns.add(new Turn(head, tunnel, fault, faultName, null, false));
            dropBody = false;
            context.send(Side.SERVER, raw);
            if (tunnel) {
                pendingTunnel = true;
                if (!inRequestBody) {
                    clientRaw = true;
                }
            }
        }
    }

    /** A fault's spec read once per connection (specs were checked when injected; one that fails is skipped). */
    private @Nullable HttpFaultSpec spec(Map<String, Object> spec) {
        var known = specs.get(spec);
        if (known != null) {
            return known;
        }
        try {
            var read = HttpFaultSpec.parse(spec);
            if (specs.size() >= 64) {
                specs.clear();
            }
            specs.put(spec, read);
            return read;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean wantsClose(Head request) {
        var headers = request.headers();
        if (headers.hasToken("Connection", "close")) {
            return true;
        }
        return request.version().equals("HTTP/1.0") && !headers.hasToken("Connection", "keep-alive");
    }

    /** A fault's answer as wire bytes: status line, its headers, Content-Length, and the body (none to a HEAD). */
    static byte[] answer(Head request, HttpFaultSpec fault, boolean close) {
        var head = new StringBuilder();
        head.append("HTTP/1.1 ")
                .append(fault.status())
                .append(' ')
                .append(reason(fault.status()))
                .append("\r\n");
        boolean contentType = false;
        for (Map.Entry<String, String> h : fault.answerHeaders().entrySet()) {
            var name = h.getKey();
            if (name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection")) {
                continue;
            }
            contentType |= name.equalsIgnoreCase("Content-Type");
            head.append(name).append(": ").append(h.getValue()).append("\r\n");
        }
        var body = fault.body() == null ? new byte[0] : fault.body();
        if (!contentType && body.length > 0) {
            head.append("Content-Type: text/plain; charset=utf-8\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        var headBytes = wire(head);
        boolean noBody = request.method().equals("HEAD") || fault.status() == 204 || fault.status() == 304;
        var out = new byte[headBytes.length + (noBody ? 0 : body.length)];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        if (!noBody) {
            System.arraycopy(body, 0, out, headBytes.length, body.length);
        }
        return out;
    }

    /**
     * A head as wire bytes: ISO-8859-1 when every character fits (what the head parser reads back), else UTF-8, so a
     * field value read as UTF-8 is written as it was sent.
     */
    private static byte[] wire(CharSequence head) {
        var text = head.toString();
        return text.chars().allMatch(c -> c < 256)
                ? text.getBytes(StandardCharsets.ISO_8859_1)
                : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Injected";
        };
    }

    /** Sends our answers that are next in turn; an answer that ends the connection ends it. */
    private void release() {
        while (!ended && !turns.isEmpty() && turns.peek().ours()) {
            var turn = turns.poll();
            if (turn.fault != null && turn.fault.action() == HttpFaultSpec.Action.ABORT_REQUEST) {
                end(turn.fault.reset());
                return;
            }
            context.send(Side.CLIENT, ByteBuffer.wrap(turn.answer));
            if (turn.closeAfter) {
                end(false);
                return;
            }
        }
    }

    private void end(boolean reset) {
        ended = true;
        context.close(reset);
    }

    // Server side

    private void server(ByteBuffer data) {
        while (data.hasRemaining() && !passThrough && !ended) {
            switch (serverState) {
                case DELAYING -> {
                    var copy = new byte[data.remaining()];
                    data.get(copy);
                    delayed.add(copy);
                    return;
                }
                case HEAD -> {
                    var turn = turns.peek();
                    if (turn == null || turn.ours()) {
                        // A response no request waits for: not HTTP as we know it.
                        serverPassThrough(data);
                        return;
                    }
                    int start = data.position();
                    boolean complete;
                    try {
                        complete = responseParser.parse(data);
                    } catch (MalformedHttpException e) {
                        var held = responseParser.unparsed();
                        held.limit(Math.max(0, held.limit() - (data.position() - start)));
                        context.send(Side.CLIENT, held);
                        responseParser.reset();
                        serverPassThrough(data.duplicate().position(start));
                        return;
                    }
                    if (!complete) {
                        return;
                    }
                    response(turn, data);
                }
                case BODY -> body(data);
            }
        }
    }

    private void response(Turn turn, ByteBuffer data) {
        var head = responseParser.head();
        var raw = responseParser.unparsed();
        responseParser.reset();
        int status = head.status();
        if (status == 101 || (turn.tunnel && turn.request.isConnect() && status / 100 == 2)) {
            context.send(Side.CLIENT, raw);
            serverPassThrough(data);
            return;
        }
        if (status / 100 == 1) {
            context.send(Side.CLIENT, raw); // interim: the final response follows
            return;
        }
        responseBody.start(Framing.ofResponse(turn.request, head));
        serverState = ServerState.BODY;
        bodySent = 0;
        dropResponseBody = false;
        var fault = turn.fault;
        if (fault != null && fault.action() == HttpFaultSpec.Action.REPLACE) {
            context.acted(turn.faultName);
            raw = replaced(turn.request, head, fault);
        }
        if (fault != null
                && fault.action() == HttpFaultSpec.Action.DELAY_HEADERS
                && !fault.delay().isZero()) {
            context.acted(turn.faultName);
            serverState = ServerState.DELAYING;
            delayHead(raw);
            return;
        }
        context.send(Side.CLIENT, raw);
        if (fault != null && fault.action() == HttpFaultSpec.Action.DELAY_HEADERS) {
            context.acted(turn.faultName);
        }
        if (fault != null && fault.action() == HttpFaultSpec.Action.TRUNCATE_BODY && fault.bytes() == 0) {
            context.acted(turn.faultName);
            end(fault.reset());
            return;
        }
        bodyDoneCheck(data);
    }

    /** A body that is empty is done at once. */
    private void bodyDoneCheck(ByteBuffer data) {
        if (serverState == ServerState.BODY && !data.hasRemaining()) {
            try {
                if (responseBody.read(data, null)) {
                    responseDone();
                }
            } catch (MalformedHttpException e) {
                serverPassThrough(data);
            }
        }
    }

    /**
     * The server's response head with the fault's parts in place of its own: the status, the headers named (added or
     * replacing the fields of that name) and, when the fault gives a body (or the status has none), the body, whose
     * bytes are then sent here and the server's dropped.
     */
    private ByteBuffer replaced(Head request, Head response, HttpFaultSpec fault) {
        int status = fault.status() != 0 ? fault.status() : response.status();
        boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304;
        boolean ownBody = fault.replacesBody() || (noBody && status != response.status());
        var out = new StringBuilder();
        out.append(response.version())
                .append(' ')
                .append(status)
                .append(' ')
                .append(fault.status() != 0 ? reason(status) : response.reason())
                .append("\r\n");
        for (var field : response.headers().entries()) {
            var name = field.getKey();
            boolean framing = name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding");
            boolean ours = fault.answerHeaders().keySet().stream().anyMatch(n -> n.equalsIgnoreCase(name));
            if (!ours && !(framing && ownBody)) {
                out.append(name).append(": ").append(field.getValue()).append("\r\n");
            }
        }
        for (var field : fault.answerHeaders().entrySet()) {
            var name = field.getKey();
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue; // the framing is the server's, or ours when the body is
            }
            out.append(name).append(": ").append(field.getValue()).append("\r\n");
        }
        var body = fault.body() == null ? new byte[0] : fault.body();
        if (ownBody && !(status == 204 || status == 304)) {
            out.append("Content-Length: ").append(body.length).append("\r\n");
        }
        out.append("\r\n");
        var headBytes = wire(out);
        if (!ownBody) {
            return ByteBuffer.wrap(headBytes);
        }
        dropResponseBody = true;
        var bytes = new byte[headBytes.length + (noBody ? 0 : body.length)];
        System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
        if (!noBody) {
            System.arraycopy(body, 0, bytes, headBytes.length, body.length);
        }
        return ByteBuffer.wrap(bytes);
    }

    private void delayHead(ByteBuffer raw) {
        var head = new byte[raw.remaining()];
        raw.get(head);
        delayedHead = head;
        delayed = new ArrayList<>();
        var turn = turns.peek();
        timer.schedule(turn.fault.delay().toNanos(), this::delayOver);
    }

    private synchronized void delayOver() {
        if (ended || passThrough || serverState != ServerState.DELAYING) {
            return;
        }
        flushDelayed();
    }

    /** The delayed head goes, then what arrived meanwhile is handled as if it arrived now. */
    private void flushDelayed() {
        serverState = ServerState.BODY;
        context.send(Side.CLIENT, ByteBuffer.wrap(delayedHead));
        delayedHead = new byte[0];
        var held = delayed;
        delayed = new ArrayList<>();
        if (held.isEmpty()) {
            bodyDoneCheck(ByteBuffer.allocate(0));
        }
        for (var chunk : held) {
            if (passThrough) {
                context.send(Side.CLIENT, ByteBuffer.wrap(chunk));
            } else if (!ended) {
                server(ByteBuffer.wrap(chunk));
            }
        }
    }

    private void body(ByteBuffer data) {
        var turn = turns.peek();
        int start = data.position();
        boolean done;
        try {
            done = responseBody.read(data, null);
        } catch (MalformedHttpException e) {
            serverPassThrough(data.duplicate().position(start));
            return;
        }
        var slice = data.duplicate().position(start).limit(data.position());
        if (dropResponseBody) {
            slice.limit(slice.position());
        }
        var fault = turn == null ? null : turn.fault;
        if (fault != null && fault.action() == HttpFaultSpec.Action.TRUNCATE_BODY) {
            long allowed = fault.bytes() - bodySent;
            if (slice.remaining() > allowed) {
                slice.limit(slice.position() + (int) allowed);
                context.send(Side.CLIENT, slice);
                context.acted(turn.faultName);
                end(fault.reset());
                return;
            }
        }
        bodySent += slice.remaining();
        context.send(Side.CLIENT, slice);
        if (done) {
            responseDone();
        }
    }

    private void responseDone() {
        turns.poll();
        serverState = ServerState.HEAD;
        release();
    }

    // Giving up

    /**
     * The client sent what we do not understand: everything passes unchanged from now on, starting with what the
     * server side held.
     */
    private void clientPassThrough(ByteBuffer rest) {
        giveUp();
        context.send(Side.CLIENT, responseParser.unparsed());
        responseParser.reset();
        context.send(Side.SERVER, rest);
    }

    private void serverPassThrough(ByteBuffer rest) {
        giveUp();
        if (!clientDone) {
            context.send(Side.SERVER, requestParser.unparsed());
        }
        requestParser.reset();
        context.send(Side.CLIENT, rest);
    }

    private void giveUp() {
        if (serverState == ServerState.DELAYING) {
            serverState = ServerState.BODY;
            context.send(Side.CLIENT, ByteBuffer.wrap(delayedHead));
            for (var chunk : delayed) {
                context.send(Side.CLIENT, ByteBuffer.wrap(chunk));
            }
            delayed = new ArrayList<>();
        }
        passThrough = true;
    }
}
