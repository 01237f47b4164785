package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests paired with responses: keep-alive, pipelining, interim responses, bodiless responses, HTTP/1.0. */
class Http1ExchangeTest {

    private static final String GET = "GET /users/7?full=true HTTP/1.1\r\n"
            + "Host: api.example\r\n"
            + "X-Request-ID: abc\r\n"
            + "accept: application/json\r\n"
            + "\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 13\r\n"
            + "\r\n"
            + "{\"id\":7,\"a\":1}".substring(0, 13);

    @Test
    void simpleGet() {
        var interactions = Script.create().client(GET).server(OK).close().runAllWays();

        assertThat(interactions).hasSize(1);
        var i = interactions.get(0);
        assertThat(i.protocol()).isEqualTo("http");
        assertThat(i.connection()).isEqualTo("c1");
        assertThat(i.startedAt()).isEqualTo(instant(0));
        assertThat(i.timeToFirstByteMicros()).isEqualTo(Script.STEP);
        assertThat(i.durationMicros()).isEqualTo(Script.STEP);
        assertThat(i.requestBytes()).isEqualTo(GET.length());
        assertThat(i.responseBytes()).isEqualTo(OK.length());
        assertThat(i.error()).isNull();
        assertThat(i.attributes()).isEmpty();
        assertThat(i.request())
                .isEqualTo(HttpRequest.builder()
                        .method("GET")
                        .target("/users/7?full=true")
                        .version("HTTP/1.1")
                        .headers(Headers.of("Host", "api.example", "X-Request-ID", "abc", "accept", "application/json"))
                        .build());
        assertThat(i.response())
                .isEqualTo(HttpResponse.builder()
                        .status(200)
                        .reason("OK")
                        .headers(Headers.of("Content-Type", "application/json", "Content-Length", "13"))
                        .body(Body.ofText("{\"id\":7,\"a\":1"))
                        .build());
    }

    @Test
    void keepAliveRequestsFollowEachOther() {
        var script = Script.create();
        for (int n = 1; n <= 3; n++) {
            script.client("GET /item/" + n + " HTTP/1.1\r\nHost: h\r\n\r\n")
                    .server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n);
        }
        var interactions = script.close().runAllWays();

        assertThat(interactions)
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/item/1", "/item/2", "/item/3");
        assertThat(interactions).extracting(i -> i.httpResponse().body().text()).containsExactly("1", "2", "3");
        assertThat(interactions).extracting(Interaction::startedAt).containsExactly(instant(0), instant(2), instant(4));
        assertThat(interactions).extracting(Interaction::error).containsOnlyNulls();
    }

    @Test
    void pipelinedResponsesAnswerRequestsInOrder() {
        var interactions = Script.create()
                .client("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                        + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nbee"
                        + "GET /c HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
                        + "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nB"
                        + "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nC")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(3);
        assertThat(interactions).extracting(i -> i.httpRequest().target()).containsExactly("/a", "/b", "/c");
        assertThat(interactions).extracting(i -> i.httpResponse().status()).containsExactly(200, 201, 404);
        assertThat(interactions).extracting(i -> i.httpResponse().body().text()).containsExactly("A", "B", "C");
        assertThat(interactions.get(1).httpRequest().body()).isEqualTo(Body.ofText("bee"));
        assertThat(interactions).extracting(Interaction::requestBytes).containsExactly(28L, 51L, 28L);
        // All three started with the one write that carried them.
        assertThat(interactions).extracting(Interaction::startedAt).containsOnly(instant(0));
    }

    @Test
    void expectContinueSendsTheBodyAfterTheInterimResponse() {
        var interactions = Script.create()
                .client("PUT /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                .server("HTTP/1.1 100 Continue\r\n\r\n")
                .client("hello")
                .server("HTTP/1.1 204 No Content\r\n\r\n")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(1);
        var i = interactions.get(0);
        assertThat(i.httpRequest().body()).isEqualTo(Body.ofText("hello"));
        assertThat(i.httpResponse().status()).isEqualTo(204);
        assertThat(i.httpResponse().interim()).containsExactly(100);
        assertThat(i.timeToFirstByteMicros()).isEqualTo(Script.STEP);
        assertThat(i.durationMicros()).isEqualTo(3 * Script.STEP);
        assertThat(i.responseBytes())
                .isEqualTo("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n".length());
    }

    @Test
    void earlyHintsComeBeforeTheFinalResponse() {
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nLink: </style.css>; rel=preload\r\n\r\nhi")
                .close()
                .runAllWays();

        var response = interactions.get(0).httpResponse();
        assertThat(response.interim()).containsExactly(103);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().text()).isEqualTo("hi");
        assertThat(interactions.get(0).timeToFirstByteMicros()).isEqualTo(Script.STEP);
        assertThat(interactions.get(0).durationMicros()).isEqualTo(2 * Script.STEP);
    }

    @Test
    void answerToHeadHasNoBodyWhateverItsContentLength() {
        var interactions = Script.create()
                .client("HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                .client("GET /small HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(2);
        assertThat(interactions.get(0).httpResponse().body()).isEqualTo(Body.empty());
        assertThat(interactions.get(0).httpResponse().headers().first("Content-Length"))
                .contains("1000");
        assertThat(interactions.get(1).httpResponse().body().text()).isEqualTo("ok");
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() {
        var interactions = Script.create()
                .client("DELETE /x/1 HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 204 No Content\r\n\r\n")
                .client("GET /x/2 HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"v1\"\r\n\r\n")
                .server("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 120\r\n\r\n")
                .client("GET /x/3 HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes")
                .close()
                .runAllWays();

        assertThat(interactions).extracting(i -> i.httpResponse().status()).containsExactly(204, 304, 200);
        assertThat(interactions).extracting(i -> i.httpResponse().body().text()).containsExactly("", "", "yes");
        assertThat(interactions).extracting(Interaction::error).containsOnlyNulls();
    }

    @Test
    void responseWithoutLengthIsReadUntilTheServerCloses() {
        var interactions = Script.create()
                .client("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst ")
                .server("second")
                .close()
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpResponse().body()).isEqualTo(Body.ofText("first second"));
        assertThat(i.error()).isNull();
        assertThat(i.durationMicros()).isEqualTo(2 * Script.STEP);
    }

    @Test
    void connectionCloseEndsTheConnectionCleanly() {
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(1);
        assertThat(interactions.get(0).error()).isNull();
        assertThat(interactions.get(0).httpRequest().headers().hasToken("Connection", "close"))
                .isTrue();
    }

    @Test
    void http10DefaultsToNoRequestBodyAndResponseUntilClose() {
        var interactions = Script.create()
                .client("GET /old HTTP/1.0\r\nUser-Agent: ancient\r\n\r\n")
                .server("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html></html>")
                .close()
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpRequest().version()).isEqualTo("HTTP/1.0");
        assertThat(i.httpResponse().version()).isEqualTo("HTTP/1.0");
        assertThat(i.httpResponse().body().text()).isEqualTo("<html></html>");
        assertThat(i.error()).isNull();
    }

    @Test
    void http10KeepAliveWithLengths() {
        var interactions = Script.create()
                .client("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                .server("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na")
                .client("GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                .server("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb")
                .close()
                .runAllWays();

        assertThat(interactions).extracting(i -> i.httpResponse().body().text()).containsExactly("a", "b");
    }

    @Test
    void fieldsKeepWireOrderCaseRepeatsAndFoldedLines() {
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nhost: h\r\nX-A: 1\r\nx-a: 2\r\nX-Folded: one\r\n  two\r\n \t\r\n"
                        + "X-Spaces:   padded \t\r\nX-Empty:\r\nX-Utf8: caf\u00e9\r\n\r\n")
                .server("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")
                .close()
                .runAllWays();

        var request = interactions.get(0).httpRequest();
        assertThat(request.headers().entries())
                .containsExactly(
                        Map.entry("host", "h"),
                        Map.entry("X-A", "1"),
                        Map.entry("x-a", "2"),
                        Map.entry("X-Folded", "one two"),
                        Map.entry("X-Spaces", "padded"),
                        Map.entry("X-Empty", ""),
                        Map.entry("X-Utf8", "caf\u00e9"));
        assertThat(interactions.get(0).httpResponse().reason()).isEmpty();
    }

    @Test
    void bareLineFeedsAndAnEmptyLineBetweenRequestsAreTolerated() {
        // Some old clients send an extra CRLF after a body; RFC 9112 section 2.2 asks servers to skip it.
        var interactions = Script.create()
                .client("POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .client("GET /lf HTTP/1.1\nHost: h\n\n")
                .server("HTTP/1.1 200 OK\nContent-Length: 1\n\nx")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(2);
        assertThat(interactions.get(1).httpRequest().target()).isEqualTo("/lf");
        assertThat(interactions.get(1).httpResponse().body().text()).isEqualTo("x");
        assertThat(interactions).extracting(Interaction::requestBytes).containsExactly(49L, 28L);
        assertThat(interactions).extracting(Interaction::error).containsOnlyNulls();
    }

    @Test
    void requestsWithoutAnswerWhenTheConnectionCloses() {
        var interactions = Script.create()
                .client("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(2);
        assertThat(interactions.get(0).error()).isNull();
        var unanswered = interactions.get(1);
        assertThat(unanswered.httpRequest().target()).isEqualTo("/2");
        assertThat(unanswered.response()).isNull();
        assertThat(unanswered.timeToFirstByteMicros()).isEqualTo(-1);
        assertThat(unanswered.error()).isEqualTo("connection closed before the response");
        assertThat(unanswered.durationMicros()).isEqualTo(2 * Script.STEP);
    }

    @Test
    void requestsWithoutAnswerWhenTheConnectionIsReset() {
        var interactions = Script.create()
                .client("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n")
                .reset(Side.SERVER)
                .runAllWays();

        assertThat(interactions).hasSize(1);
        assertThat(interactions.get(0).response()).isNull();
        assertThat(interactions.get(0).error()).isEqualTo("connection reset before the response");
    }

    @Test
    void responseCutShortKeepsWhatArrived() {
        var interactions = Script.create()
                .client("GET /f HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd")
                .close()
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpResponse().body()).isEqualTo(new Body("abcd".getBytes(), 4, true, null));
        assertThat(i.error()).isEqualTo("response ended after 4 of 10 body bytes");
    }

    @Test
    void chunkedResponseCutShortKeepsWhatArrived() {
        var interactions = Script.create()
                .client("GET /f HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n5\r\nde")
                .reset(Side.SERVER)
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpResponse().body().text()).isEqualTo("abcde");
        assertThat(i.httpResponse().body().truncated()).isTrue();
        assertThat(i.error()).isEqualTo("response was reset in its body after 5 body bytes");
    }

    @Test
    void requestCutShortStillGetsItsAnswer() {
        var interactions = Script.create()
                .client("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789")
                .endClient()
                .server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .endServer()
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpRequest().body().length()).isEqualTo(10);
        assertThat(i.httpRequest().body().truncated()).isTrue();
        assertThat(i.httpResponse().status()).isEqualTo(400);
        assertThat(i.error()).isEqualTo("request ended after 10 of 100 body bytes");
    }

    @Test
    void earlyResponseWaitsForTheEndOfItsRequest() {
        var interactions = Script.create()
                .client("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nabc")
                .server("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n")
                .client("def")
                .close()
                .runAllWays();

        assertThat(interactions).hasSize(1);
        assertThat(interactions.get(0).httpRequest().body().text()).isEqualTo("abcdef");
        assertThat(interactions.get(0).httpResponse().status()).isEqualTo(413);
        assertThat(interactions.get(0).error()).isNull();
    }

    @Test
    void headLeftUnfinishedAtCloseIsRecordedRaw() {
        var partial = "GET /never HTTP/1.1\r\nHo";
        var interactions = Script.create()
                .client("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .client(partial)
                .endClient()
                .endServer()
                .runAllWays();

        assertThat(interactions).hasSize(2);
        assertThat(interactions.get(1).protocol()).isEqualTo("tcp");
        assertThat(Script.rawBytes(interactions, Side.CLIENT)).isEqualTo(partial.getBytes());
        assertThat(interactions.get(1).error()).isEqualTo("connection closed in a request head");
    }

    /** The n-th event of a script happened at {@code Script.at(n)}. */
    private static Instant instant(int event) {
        long micros = Script.at(event);
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }
}
