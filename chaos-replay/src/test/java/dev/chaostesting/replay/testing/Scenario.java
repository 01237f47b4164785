package dev.chaostesting.replay.testing;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.model.Direction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A store, a proxy in front of it (the service's store address is the proxy: the re-pointable way), a {@link
 * TinyService} process, and a recording of one session against it: login, create, read, update, read, update back,
 * read.
 */
public final class Scenario implements AutoCloseable {

    public final KeyValueStore store;
    public final RunningInterceptor storeProxy;
    public final ServiceProcess service;
    public final Path recording;

    private Scenario(KeyValueStore store, RunningInterceptor storeProxy, ServiceProcess service, Path recording) {
        this.store = store;
        this.storeProxy = storeProxy;
        this.service = service;
        this.recording = recording;
    }

    public static Scenario start(String mode, Path dir) throws IOException, InterruptedException {
        var store = KeyValueStore.start();
        RunningInterceptor proxy = null;
        ServiceProcess service = null;
        try {
            proxy = Interceptor.forwardTo(store.address())
                    .direction(Direction.OUTBOUND)
                    .protocol("tcp")
                    .record()
                    .start();
            service = ServiceProcess.start(mode, proxy.port());
            var recording = recordSession(service, proxy, store, dir.resolve("rec"));
            return new Scenario(store, proxy, service, recording);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (service != null) {
                service.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            store.close();
            throw e;
        }
    }

    public URI target() {
        return URI.create(service.baseUrl());
    }

    private static Path recordSession(
            ServiceProcess service, RunningInterceptor storeProxy, KeyValueStore store, Path dir)
            throws IOException, InterruptedException {
        try (var inbound =
                Interceptor.onPort(service.port()).protocol("http").record().start()) {
            var base = "http://127.0.0.1:" + inbound.port();
            var client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var login = call(
                    client,
                    "POST",
                    base + "/login",
                    null,
                    "{\"username\":\"admin\",\"password\":\"" + ServiceProcess.PASSWORD + "\"}");
            var token = login.body().replaceAll(".*\"token\":\"([0-9a-f]+)\".*", "$1");
            var created = call(client, "POST", base + "/items", token, "{\"name\":\"a\"}");
            var id = created.body().replaceAll(".*\"id\":(\\d+).*", "$1");
            call(client, "GET", base + "/items/" + id, token, null);
            call(client, "PUT", base + "/items/" + id, token, "{\"name\":\"b\"}");
            call(client, "GET", base + "/items/" + id, token, null);
            call(client, "PUT", base + "/items/" + id, token, "{\"name\":\"a\"}");
            call(client, "GET", base + "/items/" + id, token, null);
            return Recordings.write(dir, inbound, 7, storeProxy, store.hostPort());
        }
    }

    private static HttpResponse<String> call(HttpClient client, String method, String url, String token, String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        var r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        service.close();
        storeProxy.close();
        store.close();
    }
}
