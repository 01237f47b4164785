package dev.chaostesting.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Redaction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The redactor finds secret headers and JSON or form bodies without lower-casing every name and type; these tests hold
 * its answers to the general rule it replaces ({@code policy.headers().contains(name.toLowerCase(Locale.ROOT))} and
 * {@code type.toLowerCase(Locale.ROOT).contains(...)}), including for names that must not take the shortcut.
 */
class RedactorFastPathTest {

    private static final List<Redaction> POLICIES = List.of(
            Redaction.defaults(),
            Redaction.defaults().withHeaders("X-\u00dcber-Token", "\u212Aey-Id", "z"),
            Redaction.none().withHeaders(""));

    @Test
    void headerNamesInAnyCaseAndLookAlikes() {
        var names = List.of(
                "Authorization",
                "AUTHORIZATION",
                "aUtHoRiZaTiOn",
                "authorization",
                "Authorization-Info",
                "Authorizatio",
                "XAuthorization",
                "Cookie",
                "COOKIE",
                "Cookie2",
                "Set-Cookie",
                "SET-COOKIE",
                "Set-Cookie2",
                "X-Api-Key",
                "X-API-KEY",
                "X-Api-Keys",
                "X-Api-\u212Aey", // Kelvin sign: lower-cases to an ASCII 'k'
                "\u212Aey-Id",
                "KEY-ID",
                "X-\u00dcber-Token",
                "x-\u00fcber-token",
                "\u0130",
                "Z",
                "z",
                "",
                " ",
                "Server",
                "Date",
                "Content-Type",
                "Accept-Ranges",
                "Proxy-Authorization",
                "Proxy-Authorization ");
        for (var policy : POLICIES) {
            var lookup = new Redactor.HeaderNames(policy);
            for (var name : names) {
                assertThat(lookup.contains(name))
                        .as("%s in %s", name, policy)
                        .isEqualTo(policy.headers().contains(name.toLowerCase(Locale.ROOT)));
            }
        }
    }

    @Test
    void randomHeaderNamesAgreeWithTheGeneralRule() {
        var random = new Random(11);
        String alphabet = "aAuUtThHoOrRiIzZnNcCkKeEsSyYxXpP-_ \u212A\u0130\u00dc\u00fc\u017F";
        for (var policy : POLICIES) {
            var lookup = new Redactor.HeaderNames(policy);
            var secret = List.copyOf(policy.headers());
            for (int i = 0; i < 50_000; i++) {
                String name;
                if (!secret.isEmpty() && random.nextBoolean()) {
                    name = mutateCase(random, secret.get(random.nextInt(secret.size())));
                } else {
                    var sb = new StringBuilder();
                    for (int n = random.nextInt(20); n > 0; n--) {
                        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                    name = sb.toString();
                }
                assertThat(lookup.contains(name))
                        .as("%s in %s", name, policy)
                        .isEqualTo(policy.headers().contains(name.toLowerCase(Locale.ROOT)));
            }
        }
    }

    @Test
    void contentTypesAgreeWithTheGeneralRule() {
        var random = new Random(12);
        String alphabet = "aApPlLiIcCtTjJsSoOnNxX-wW/;= \u0130\u212A\u00e9";
        var types = new java.util.ArrayList<>(List.of(
                "application/json",
                "APPLICATION/JSON",
                "application/vnd.api+Json; charset=utf-8",
                "application/x-www-form-urlencoded",
                "Application/X-WWW-Form-Urlencoded",
                "application/jso",
                "text/plain",
                "",
                "application/json; charset=\u00e9",
                "\u0130json",
                "js\u00e9on"));
        for (int i = 0; i < 50_000; i++) {
            var sb = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            types.add(random.nextInt(4) == 0 ? sb + "json" + sb : sb.toString());
        }
        for (var type : types) {
            for (var part : List.of("json", "x-www-form-urlencoded")) {
                assertThat(Redactor.containsLowerCased(type, part))
                        .as("%s in %s", part, type)
                        .isEqualTo(type.toLowerCase(Locale.ROOT).contains(part));
            }
        }
    }

    @Test
    void secretHeadersInOddCaseAreRedactedAndLookAlikesKept() {
        var in = exchange(
                HttpRequest.builder()
                        .headers(Headers.of(
                                "AuThOrIzAtIoN", "Bearer tok-1",
                                "Authorization-Info", "keep-me",
                                "Cookie2", "keep=me",
                                "X-Api-\u212Aey", "k-2"))
                        .build(),
                HttpResponse.builder()
                        .headers(Headers.of("SET-COOKIE", "s=v; Path=/", "Server", "nginx"))
                        .build());

        var out = Redaction.defaults().apply(in);

        var request = out.httpRequest().headers().entries();
        assertThat(request.get(0).getValue()).isEqualTo("Bearer " + Redactor.fingerprint("tok-1"));
        assertThat(request.get(1).getValue()).isEqualTo("keep-me");
        assertThat(request.get(2).getValue()).isEqualTo("keep=me");
        assertThat(request.get(3).getValue()).isEqualTo(Redactor.fingerprint("k-2"));
        var response = out.httpResponse().headers().entries();
        assertThat(response.get(0).getValue()).isEqualTo("s=" + Redactor.fingerprint("v") + "; Path=/");
        assertThat(response.get(1).getValue()).isEqualTo("nginx");
    }

    @Test
    void bodiesAreRedactedByTheirTypeInAnyCaseAndOnlyThen() {
        var json = "{\"password\":\"hunter2\",\"Cookie\":\"c=1\"}";
        var text = "Cookie: session=abc\r\nAuthorization: Bearer x\r\npassword=hunter2";
        var in = exchange(
                HttpRequest.builder()
                        .headers(Headers.of("CONTENT-TYPE", "APPLICATION/JSON"))
                        .body(Body.ofText(json))
                        .build(),
                HttpResponse.builder()
                        .headers(Headers.of("Content-Type", "text/plain"))
                        .body(Body.ofText(text))
                        .build());

        var out = Redaction.defaults().apply(in);

        assertThat(out.httpRequest().body().text()).isEqualTo("{\"password\":\"<redacted>\",\"Cookie\":\"c=1\"}");
        // Secrets inside a body of another type are not looked for, as before.
        assertThat(out.httpResponse().body().text()).isEqualTo(text);
        var form = exchange(
                HttpRequest.builder()
                        .headers(Headers.of("content-type", "Application/X-WWW-Form-Urlencoded; charset=\u00e9"))
                        .body(Body.of("a=1&token=t1".getBytes(StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.builder().build());
        assertThat(Redaction.defaults().apply(form).httpRequest().body().text())
                .isEqualTo("a=1&token=" + Redactor.fingerprint("t1"));
    }

    @Test
    void anUnchangedInteractionIsTheSameObject() {
        var in = exchange(
                HttpRequest.builder().headers(Headers.of("Host", "h")).build(),
                HttpResponse.builder()
                        .headers(Headers.of("Content-Type", "text/html"))
                        .body(Body.ofText("x"))
                        .build());

        assertThat(Redaction.defaults().apply(in)).isSameAs(in);
    }

    private static String mutateCase(Random random, String s) {
        var sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        if (random.nextInt(4) == 0) {
            sb.append(random.nextBoolean() ? "s" : "-x");
        }
        return sb.toString();
    }

    private static Interaction exchange(HttpRequest request, HttpResponse response) {
        return Interaction.builder()
                .sequence(1)
                .protocol("http")
                .connection("c1")
                .client("127.0.0.1:1")
                .server("127.0.0.1:2")
                .startedAt(Instant.EPOCH)
                .request(request)
                .response(response)
                .build();
    }
}
