package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The demo bookshop with its stock service: a dependency a chaos run can slow down or take away. */
class InventoryDependencyTest {

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String login(URI base) throws Exception {
        var r = send(HttpRequest.newBuilder(base.resolve("/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"wonderland\"}")));
        var m = java.util.regex.Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    @Test
    void a_created_book_has_stock_and_a_lost_inventory_is_a_503() throws Exception {
        var inventory = InventoryService.start();
        try (var service = DemoService.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DemoService.Options.defaults().inventory(inventory.baseUri()))) {
            var base = service.baseUri();
            var token = login(base);
            var created = send(HttpRequest.newBuilder(base.resolve("/api/books"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"title\":\"Stock\",\"author\":\"A. Writer\",\"year\":2001,\"tags\":[]}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            var location = created.headers().firstValue("Location").orElseThrow();
            var book = send(HttpRequest.newBuilder(base.resolve(location)).header("Authorization", "Bearer " + token));
            assertThat(book.statusCode()).isEqualTo(200);
            assertThat(book.body()).contains("\"inStock\":1");

            inventory.close();
            var without =
                    send(HttpRequest.newBuilder(base.resolve(location)).header("Authorization", "Bearer " + token));
            assertThat(without.statusCode()).isEqualTo(503);
            assertThat(without.body()).contains("inventory service could not be reached");
        } finally {
            inventory.close();
        }
    }
}
