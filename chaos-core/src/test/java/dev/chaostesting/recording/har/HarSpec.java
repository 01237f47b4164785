package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Structural checks of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): required fields and their types, the
 * rule that custom fields start with {@code _}, and consistency of {@code time} with {@code timings}.
 */
final class HarSpec {

    private HarSpec() {}

    /** Asserts that the document is a structurally valid HAR 1.2 log. */
    static void assertValid(JsonNode root) {
        var log = root.path("log");
        assertThat(log.isObject()).as("log").isTrue();
        assertOnlyKnownFields(log, "log", Set.of("version", "creator", "browser", "pages", "entries", "comment"));
        assertThat(log.path("version").asText()).as("log.version").isEqualTo("1.2");
        assertCreator(log.path("creator"), "log.creator");
        if (log.has("browser")) {
            assertCreator(log.path("browser"), "log.browser");
        }
        if (log.has("pages")) {
            assertThat(log.get("pages").isArray()).as("log.pages").isTrue();
        }
        var entries = log.path("entries");
        assertThat(entries.isArray()).as("log.entries").isTrue();
        for (int i = 0; i < entries.size(); i++) {
            assertEntry(entries.get(i), "log.entries[" + i + "]");
        }
    }

    private static void assertCreator(JsonNode creator, String at) {
        assertString(creator, "name", at);
        assertString(creator, "version", at);
    }

    private static void assertEntry(JsonNode entry, String at) {
        assertOnlyKnownFields(
                entry,
                at,
                Set.of(
                        "pageref",
                        "startedDateTime",
                        "time",
                        "request",
                        "response",
                        "cache",
                        "timings",
                        "serverIPAddress",
                        "connection",
                        "comment"));
        assertString(entry, "startedDateTime", at);
        // ISO 8601 with a time zone designator, e.g. 2009-07-24T19:20:30.45+01:00 or ...Z
        OffsetDateTime.parse(entry.get("startedDateTime").asText());
        assertNumber(entry, "time", at);
        assertThat(entry.get("time").asDouble()).as(at + ".time").isGreaterThanOrEqualTo(0);
        assertRequest(entry.path("request"), at + ".request");
        assertResponse(entry.path("response"), at + ".response");
        assertThat(entry.path("cache").isObject()).as(at + ".cache").isTrue();
        assertTimings(entry.path("timings"), entry.get("time").asDouble(), at + ".timings");
        for (var optional : List.of("pageref", "serverIPAddress", "connection", "comment")) {
            if (entry.has(optional)) {
                assertString(entry, optional, at);
            }
        }
    }

    private static void assertRequest(JsonNode request, String at) {
        assertThat(request.isObject()).as(at).isTrue();
        assertOnlyKnownFields(
                request,
                at,
                Set.of(
                        "method",
                        "url",
                        "httpVersion",
                        "cookies",
                        "headers",
                        "queryString",
                        "postData",
                        "headersSize",
                        "bodySize",
                        "comment"));
        assertString(request, "method", at);
        assertString(request, "url", at);
        assertThat(request.get("url").asText()).as(at + ".url").matches("^[a-z][a-z0-9+.-]*://.+");
        assertString(request, "httpVersion", at);
        assertCookies(request.path("cookies"), at + ".cookies");
        assertNameValues(request.path("headers"), at + ".headers");
        assertNameValues(request.path("queryString"), at + ".queryString");
        if (request.has("postData")) {
            var postData = request.get("postData");
            assertOnlyKnownFields(postData, at + ".postData", Set.of("mimeType", "params", "text", "comment"));
            assertString(postData, "mimeType", at + ".postData");
            if (postData.has("text")) {
                assertString(postData, "text", at + ".postData");
            }
            if (postData.has("params")) {
                assertThat(postData.get("params").isArray())
                        .as(at + ".postData.params")
                        .isTrue();
            }
        }
        assertNumber(request, "headersSize", at);
        assertNumber(request, "bodySize", at);
    }

    private static void assertResponse(JsonNode response, String at) {
        assertThat(response.isObject()).as(at).isTrue();
        assertOnlyKnownFields(
                response,
                at,
                Set.of(
                        "status",
                        "statusText",
                        "httpVersion",
                        "cookies",
                        "headers",
                        "content",
                        "redirectURL",
                        "headersSize",
                        "bodySize",
                        "comment"));
        assertNumber(response, "status", at);
        assertString(response, "statusText", at);
        assertString(response, "httpVersion", at);
        assertCookies(response.path("cookies"), at + ".cookies");
        assertNameValues(response.path("headers"), at + ".headers");
        var content = response.path("content");
        assertThat(content.isObject()).as(at + ".content").isTrue();
        assertOnlyKnownFields(
                content, at + ".content", Set.of("size", "compression", "mimeType", "text", "encoding", "comment"));
        assertNumber(content, "size", at + ".content");
        assertString(content, "mimeType", at + ".content");
        if (content.has("compression")) {
            assertNumber(content, "compression", at + ".content");
        }
        if (content.has("encoding")) {
            assertString(content, "encoding", at + ".content");
        }
        assertString(response, "redirectURL", at);
        assertNumber(response, "headersSize", at);
        assertNumber(response, "bodySize", at);
    }

    private static void assertTimings(JsonNode timings, double time, String at) {
        assertThat(timings.isObject()).as(at).isTrue();
        double sum = 0;
        for (var required : List.of("send", "wait", "receive")) {
            assertNumber(timings, required, at);
            assertThat(timings.get(required).asDouble()).as(at + "." + required).isGreaterThanOrEqualTo(0);
            sum += timings.get(required).asDouble();
        }
        for (var optional : List.of("blocked", "dns", "connect", "ssl")) {
            if (timings.has(optional)) {
                assertNumber(timings, optional, at);
                double value = timings.get(optional).asDouble();
                assertThat(value).as(at + "." + optional).isGreaterThanOrEqualTo(-1);
                if (!optional.equals("ssl") && value > 0) {
                    sum += value; // ssl is part of connect
                }
            }
        }
        assertThat(sum).as(at + ": the timings add up to time").isCloseTo(time, within(0.001));
    }

    private static void assertCookies(JsonNode cookies, String at) {
        assertThat(cookies.isArray()).as(at).isTrue();
        for (var cookie : cookies) {
            assertString(cookie, "name", at);
            assertString(cookie, "value", at);
            if (cookie.has("expires")) {
                OffsetDateTime.parse(cookie.get("expires").asText());
            }
            for (var flag : List.of("httpOnly", "secure")) {
                if (cookie.has(flag)) {
                    assertThat(cookie.get(flag).isBoolean()).as(at + "." + flag).isTrue();
                }
            }
        }
    }

    private static void assertNameValues(JsonNode list, String at) {
        assertThat(list.isArray()).as(at).isTrue();
        for (var pair : list) {
            assertString(pair, "name", at);
            assertString(pair, "value", at);
        }
    }

    private static void assertString(JsonNode node, String field, String at) {
        assertThat(node.path(field).isTextual())
                .as(at + "." + field + " is a string")
                .isTrue();
    }

    private static void assertNumber(JsonNode node, String field, String at) {
        assertThat(node.path(field).isNumber())
                .as(at + "." + field + " is a number")
                .isTrue();
    }

    /** HAR allows custom fields only with a leading underscore. */
    private static void assertOnlyKnownFields(JsonNode node, String at, Set<String> known) {
        var unknown = new ArrayList<String>();
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name) && !name.startsWith("_")) {
                unknown.add(name);
            }
        });
        assertThat(unknown)
                .as(at + ": fields that are neither HAR 1.2 nor custom (_...)")
                .isEmpty();
    }
}
