package dev.chaostesting.fault;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * A test protocol of text lines, opened by the client's {@code LINES/1} line: in line, a client line equal to a
 * fault's {@code match} is answered with its {@code answer} instead of reaching the server.
 */
public final class LinesCodec implements ProtocolCodec, InlineCodec {

    private static final byte[] NONE = new byte[0];

    private static final byte[] GREETING = "LINES/1\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "lines";
    }

    @Override
    public Detection detect(Side side, ByteBuffer first) {
        for (int i = 0; i < GREETING.length; i++) {
            if (i == first.remaining()) {
                return Detection.NEED_MORE;
            }
            if (first.get(first.position() + i) != GREETING[i]) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new StreamDecoder() {
            @Override
            public void onData(Side side, ByteBuffer data, long atMicros) {}

            @Override
            public void onEnd(Side side, boolean reset, long atMicros) {}
        };
    }

    @Override
    public void checkFault(Map<String, Object> spec) {
        if (!(spec.get("match") instanceof String) || !(spec.get("answer") instanceof String)) {
            throw new IllegalArgumentException("lines fault: expected 'match' and 'answer' strings");
        }
    }

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new InlineHandler() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            /** In request order: null for a line the server will answer, else our answer waiting its turn. */
            private final ArrayDeque<byte[]> pending = new ArrayDeque<>();

            @Override
            public void onData(Side from, ByteBuffer data) {
                if (from == Side.SERVER) {
                    server(data);
                    return;
                }
                while (data.hasRemaining()) {
                    byte b = data.get();
                    line.write(b);
                    if (b == '\n') {
                        var text = line.toString(StandardCharsets.US_ASCII);
                        line.reset();
                        String answer = null;
                        for (var fault : context.faults()) {
                            if ((fault.spec().get("match") + "\n").equals(text)) {
                                answer = (String) fault.spec().get("answer");
                                context.acted(fault.name());
                                break;
                            }
                        }
                        if (answer == null) {
                            pending.add(NONE);
                            context.send(Side.SERVER, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                        } else {
                            pending.add((answer + "\n").getBytes(StandardCharsets.US_ASCII));
                            release();
                        }
                    }
                }
            }

            /** Server lines pass on; each completes the oldest request, after which our answers due may go. */
            private void server(ByteBuffer data) {
                int start = data.position();
                while (data.hasRemaining()) {
                    if (data.get() == '\n') {
                        // Up to the end of this answer, then whatever of ours was waiting for it.
                        var line = StandardCharsets.US_ASCII
                                .decode(data.duplicate().position(start).limit(data.position()))
                                .toString();
                        if (line.startsWith("AT ")) {
                            // A server naming where to go next: clients must keep going through the interceptor.
                            var address = line.substring(3).strip();
                            int colon = address.lastIndexOf(':');
                            var listener = context.listenerFor(new InetSocketAddress(
                                    address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
                            line = "AT " + listener.getAddress().getHostAddress() + ":" + listener.getPort() + "\n";
                        }
                        context.send(Side.CLIENT, ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
                        start = data.position();
                        if (!pending.isEmpty() && pending.peek() == NONE) {
                            pending.poll();
                            release();
                        }
                    }
                }
                context.send(Side.CLIENT, data.duplicate().position(start));
            }

            private void release() {
                while (!pending.isEmpty() && pending.peek() != NONE) {
                    context.send(Side.CLIENT, ByteBuffer.wrap(pending.poll()));
                }
            }

            @Override
            public void onEnd(Side from) {
                if (from == Side.CLIENT && line.size() > 0) {
                    context.send(Side.SERVER, ByteBuffer.wrap(line.toByteArray()));
                    line.reset();
                }
            }
        };
    }
}
