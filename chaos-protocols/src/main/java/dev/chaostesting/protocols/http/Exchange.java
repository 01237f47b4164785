package dev.chaostesting.protocols.http;

import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.DecoderContext;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One request and what is known of its answer, from the end of the request head until it is emitted. */
final class Exchange {

    private final Head requestHead;
    private final long startedAt;
    private @Nullable HttpRequest request;
    private long requestBytes;
    private boolean requestDone;
    private final List<Integer> interim = new ArrayList<>(0);
    private long firstResponseAt = -1;
    private long lastResponseAt;
    private long responseBytes;
    private @Nullable HttpResponse response;
    private boolean responseDone;
    private long endedAt;
    private @Nullable String error;
    private @Nullable String decodeError;
    private @Nullable String upgrade;

    Exchange(Head requestHead, long startedAt) {
        this.requestHead = requestHead;
        this.startedAt = startedAt;
        this.endedAt = startedAt;
    }

    Head requestHead() {
        return requestHead;
    }

    /** The request once it is done, else null. */
    @Nullable
    HttpRequest request() {
        return request;
    }

    long startedAt() {
        return startedAt;
    }

    long requestBytes() {
        return requestBytes;
    }

    /** Whether the answer may turn the connection into something else, so the client's next bytes must wait for it. */
    boolean mayUpgrade() {
        return requestHead.upgrade() != null || requestHead.isConnect();
    }

    boolean requestDone() {
        return requestDone;
    }

    boolean responseDone() {
        return responseDone;
    }

    List<Integer> interim() {
        return interim;
    }

    /**
     * @param problem why the request is incomplete, or null
     */
    void requestDone(
            HttpRequest request,
            long wireBytes,
            long lastByteAt,
            @Nullable String decodeError,
            @Nullable String problem) {
        this.request = request;
        this.requestBytes = wireBytes;
        this.requestDone = true;
        this.endedAt = Math.max(endedAt, lastByteAt);
        noteDecodeError("request", decodeError);
        addError(problem);
    }

    void interim(int status, long wireBytes, long firstByteAt, long lastByteAt) {
        interim.add(status);
        responseBytes += wireBytes;
        responseSeen(firstByteAt, lastByteAt);
    }

    void responseDone(
            HttpResponse response,
            long wireBytes,
            long firstByteAt,
            long lastByteAt,
            @Nullable String decodeError,
            @Nullable String problem) {
        this.response = response;
        this.responseBytes += wireBytes;
        this.responseDone = true;
        responseSeen(firstByteAt, lastByteAt);
        noteDecodeError("response", decodeError);
        addError(problem);
    }

    /** No answer will come: the connection ended, or decoding stopped. */
    void noResponse(String problem, long atMicros) {
        responseDone = true;
        endedAt = Math.max(endedAt, atMicros);
        addError(problem);
    }

    void upgrade(String protocol) {
        upgrade = protocol;
    }

    Interaction.Builder toInteraction(DecoderContext context) {
        var interaction = context.newInteraction("http", startedAt)
                .timeToFirstByteMicros(response == null ? -1 : firstResponseAt - startedAt)
                .durationMicros((response == null ? endedAt : lastResponseAt) - startedAt)
                .requestBytes(requestBytes)
                .responseBytes(responseBytes)
                .request(request)
                .response(response)
                .error(error);
        if (upgrade != null) {
            interaction.attribute("upgrade", upgrade);
        }
        if (decodeError != null) {
            interaction.attribute("bodyDecodeError", decodeError);
        }
        return interaction;
    }

    private void responseSeen(long firstByteAt, long lastByteAt) {
        if (firstResponseAt < 0) {
            firstResponseAt = firstByteAt;
        }
        lastResponseAt = lastByteAt;
        endedAt = Math.max(endedAt, lastByteAt);
    }

    private void noteDecodeError(String what, @Nullable String problem) {
        if (problem != null) {
            var line = what + " body: " + problem;
            decodeError = decodeError == null ? line : decodeError + "; " + line;
        }
    }

    private void addError(@Nullable String problem) {
        if (problem != null) {
            error = error == null ? problem : error + "; " + problem;
        }
    }
}
