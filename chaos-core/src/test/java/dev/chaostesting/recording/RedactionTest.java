package dev.chaostesting.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.recording.Redactor;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import org.junit.jupiter.api.Test;

class RedactionTest {

    private static Interaction exchange(HttpRequest request, HttpResponse response) {
        return SampleInteractions.base(1)
                .protocol("http")
                .request(request)
                .response(response)
                .build();
    }

    @Test
    void credentials_in_headers_are_replaced_by_fingerprints_and_schemes_are_kept() {
        var in = exchange(
                HttpRequest.builder()
                        .headers(Headers.of(
                                "Authorization", "Bearer eyJhbGciOi.secret.sig",
                                "Cookie", "session=abc123; theme=dark",
                                "X-Api-Key", "k-999",
                                "Accept", "application/json"))
                        .build(),
                HttpResponse.builder()
                        .headers(Headers.of("Set-Cookie", "session=newvalue; Path=/; HttpOnly"))
                        .build());
        var out = Redaction.defaults().apply(in);
        var headers = out.httpRequest().headers();
        assertThat(headers.first("Authorization")).contains("Bearer " + Redactor.fingerprint("eyJhbGciOi.secret.sig"));
        assertThat(headers.first("Cookie"))
                .contains("session=" + Redactor.fingerprint("abc123") + "; theme=" + Redactor.fingerprint("dark"));
        assertThat(headers.first("X-Api-Key")).contains(Redactor.fingerprint("k-999"));
        assertThat(headers.first("Accept")).contains("application/json");
        assertThat(out.httpResponse().headers().first("Set-Cookie"))
                .contains("session=" + Redactor.fingerprint("newvalue") + "; Path=/; HttpOnly");
        assertThat(out.toString()).doesNotContain("secret.sig", "abc123", "k-999", "newvalue");
    }

    @Test
    void basic_credentials_get_no_fingerprint() {
        var in = exchange(
                HttpRequest.builder()
                        .headers(Headers.of("Authorization", "Basic YWxpY2U6cGFzcw=="))
                        .build(),
                HttpResponse.builder().build());
        assertThat(Redaction.defaults().apply(in).httpRequest().headers().first("Authorization"))
                .contains("Basic <redacted>");
    }

    @Test
    void secret_fields_of_json_bodies_are_redacted_in_place_keeping_the_rest_byte_for_byte() {
        var json =
                "{ \"username\": \"alice\",\n  \"password\": \"wonder\\\"land\", \"nested\": {\"access_token\": \"tok-1\", \"n\": 5}, \"list\": [\"password\"] }";
        var in = exchange(
                HttpRequest.builder()
                        .method("POST")
                        .headers(Headers.of("Content-Type", "application/json"))
                        .body(Body.ofText(json))
                        .build(),
                HttpResponse.builder()
                        .headers(Headers.of("Content-Type", "application/json; charset=utf-8"))
                        .body(Body.ofText("{\"token\":\"tok-2\",\"expiresIn\":3600}"))
                        .build());
        var out = Redaction.defaults().apply(in);
        assertThat(out.httpRequest().body().text())
                .isEqualTo(
                        "{ \"username\": \"alice\",\n  \"password\": \"<redacted>\", \"nested\": {\"access_token\": \""
                                + Redactor.fingerprint("tok-1") + "\", \"n\": 5}, \"list\": [\"password\"] }");
        assertThat(out.httpResponse().body().text())
                .isEqualTo("{\"token\":\"" + Redactor.fingerprint("tok-2") + "\",\"expiresIn\":3600}");
    }

    @Test
    void query_strings_and_form_bodies_are_redacted() {
        var in = exchange(
                HttpRequest.builder()
                        .method("POST")
                        .target("/login?api_key=xyz&page=2")
                        .headers(Headers.of("Content-Type", "application/x-www-form-urlencoded"))
                        .body(Body.ofText("user=bob&password=hunter2&remember=1"))
                        .build(),
                HttpResponse.builder().build());
        var out = Redaction.defaults().apply(in);
        assertThat(out.httpRequest().target()).isEqualTo("/login?api_key=" + Redactor.fingerprint("xyz") + "&page=2");
        assertThat(out.httpRequest().body().text()).isEqualTo("user=bob&password=<redacted>&remember=1");
    }

    @Test
    void a_truncated_json_body_is_redacted_up_to_where_it_ends() {
        var text = "{\"token\":\"abc\",\"items\":[1,2,3";
        var in = exchange(
                HttpRequest.builder().build(),
                HttpResponse.builder()
                        .headers(Headers.of("Content-Type", "application/json"))
                        .body(new Body(text.getBytes(), 10_000, true, null))
                        .build());
        var body = Redaction.defaults().apply(in).httpResponse().body();
        assertThat(body.text()).isEqualTo("{\"token\":\"" + Redactor.fingerprint("abc") + "\",\"items\":[1,2,3");
        assertThat(body.truncated()).isTrue();
        assertThat(body.size()).isEqualTo(10_000 - text.length() + body.length());
    }

    @Test
    void extra_names_can_be_added_and_redaction_can_be_turned_off() {
        var in = exchange(
                HttpRequest.builder()
                        .headers(Headers.of("X-Tenant-Secret", "s", "Content-Type", "application/json"))
                        .body(Body.ofText("{\"ssn\":\"123\"}"))
                        .build(),
                HttpResponse.builder().build());
        var out = Redaction.defaults()
                .withHeaders("X-Tenant-Secret")
                .withFields("ssn")
                .apply(in);
        assertThat(out.httpRequest().headers().first("X-Tenant-Secret")).contains(Redactor.fingerprint("s"));
        assertThat(out.httpRequest().body().text()).isEqualTo("{\"ssn\":\"" + Redactor.fingerprint("123") + "\"}");
        assertThat(Redaction.none().apply(in)).isSameAs(in);
    }

    @Test
    void redacting_twice_changes_nothing_more() {
        var in = exchange(
                HttpRequest.builder()
                        .headers(Headers.of("Authorization", "Bearer t", "Content-Type", "application/json"))
                        .body(Body.ofText("{\"password\":\"p\"}"))
                        .build(),
                HttpResponse.builder().build());
        var once = Redaction.defaults().apply(in);
        assertThat(Redaction.defaults().apply(once)).isEqualTo(once);
    }
}
