package dev.chaostesting.examples.backends;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.CaptureRecorder;
import dev.chaostesting.capture.ProcessCapture;
import dev.chaostesting.examples.backends.ExampleBackend.Bug;
import dev.chaostesting.examples.backends.ExampleBackend.Language;
import dev.chaostesting.examples.backends.ExampleBackend.Store;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.testing.DebianPackages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each backend observed by its pid with passive capture while the test drives its API: the recording holds the
 * inbound HTTP exchanges and the outbound exchanges with its PostgreSQL or Redis, named by {@code dependency}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // the first test of a language includes its cold build
class ExampleBackendCaptureTest {

    @TempDir
    Path dir;

    @BeforeEach
    void tcpdump() {
        DebianPackages.require("tcpdump", "tcpdump", true);
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void inbound_http_and_outbound_store_traffic_of_the_pid_are_recorded(Language language) throws Exception {
        var samples = Samples.of(language);
        var rec = dir.resolve("rec");
        var expected = new ArrayList<String>();
        var log = new ArrayList<String>();
        try (var backend = ExampleBackend.start(language, Bug.NONE)) {
            try (var recorder = CaptureRecorder.create(rec, "pid " + backend.pid(), Map.of("mode", "capture"))) {
                var capture = ProcessCapture.start(backend.pid(), CaptureOptions.defaults(), recorder, line -> {
                    synchronized (log) {
                        log.add(line);
                    }
                });
                try {
                    assertThat(capture.inboundPorts()).contains(backend.port());
                    assertThat(capture.dependencies()).contains(backend.storeAddress());
                    // New connections to the store, so that its codec sees them from their first byte.
                    backend.reconnectStore();

                    var api = new ApiClient(backend);
                    var path = language.resourcePath();
                    api.login();
                    expected.add("POST " + language.loginPath() + " 200");
                    var created = api.call("POST", path, samples.create(ExampleBackendsTest.tag()));
                    assertThat(created.status()).as("%s", created).isEqualTo(201);
                    expected.add("POST " + path + " 201");
                    var one = path + "/" + created.json().path("id").asText();
                    assertThat(api.call("GET", one, null).status()).isEqualTo(200);
                    expected.add("GET " + one + " 200");
                    assertThat(api.call("GET", path, null).status()).isEqualTo(200);
                    expected.add("GET " + path + " 200");
                    var update = api.call(language.updateMethod(), one, samples.update("captured"));
                    assertThat(update.status()).as("%s", update).isEqualTo(200);
                    expected.add(language.updateMethod() + " " + one + " 200");
                    assertThat(api.call("GET", path + "/" + samples.missingId(), null)
                                    .status())
                            .isEqualTo(404);
                    expected.add("GET " + path + "/" + samples.missingId() + " 404");
                    assertThat(api.call("DELETE", one, null).status()).isEqualTo(204);
                    expected.add("DELETE " + one + " 204");
                } finally {
                    var summaries = capture.stop();
                    assertThat(summaries)
                            .allSatisfy(
                                    s -> assertThat(s.packetsDroppedByKernel()).isZero());
                }
            }
            var interactions = Recording.open(rec).interactions();
            var inbound = interactions.stream()
                    .filter(i -> i.direction() == Direction.INBOUND && i.httpRequest() != null)
                    .map(ExampleBackendCaptureTest::line)
                    .toList();
            assertThat(inbound).as("inbound HTTP, capture log %s", log).containsAll(expected);

            var outbound = interactions.stream()
                    .filter(i -> i.direction() == Direction.OUTBOUND)
                    .toList();
            var dependency = "127.0.0.1:" + backend.storeAddress().getPort();
            assertThat(outbound)
                    .as("outbound interactions, capture log %s", log)
                    .isNotEmpty();
            assertThat(outbound).allSatisfy(i -> assertThat(i.attributes()).containsEntry("dependency", dependency));
            assertStoreProtocol(language.store(), outbound);
        }
    }

    private static void assertStoreProtocol(Store store, List<Interaction> outbound) {
        var codec = store == Store.POSTGRESQL ? "postgresql" : "redis";
        var field = store == Store.POSTGRESQL ? "sql" : "command";
        if (!codecNames().contains(codec)) {
            System.out.println("codec " + codec + " is absent from the classpath (codecs: " + codecNames()
                    + "): checking raw tcp outbound interactions only");
            assertThat(outbound).extracting(Interaction::protocol).contains("tcp");
            assertThat(outbound).anySatisfy(i -> assertThat(i.requestBytes()).isPositive());
            return;
        }
        var decoded = outbound.stream().filter(i -> i.protocol().equals(codec)).toList();
        assertThat(decoded)
                .as("%s interactions among %s", codec, protocols(outbound))
                .isNotEmpty();
        assertThat(decoded).allSatisfy(i -> assertThat(i.attributes()).containsEntry("dependencyProtocol", codec));
        var texts = decoded.stream()
                .map(i -> field(i.request(), field))
                .filter(Objects::nonNull)
                .map(s -> s.toUpperCase(Locale.ROOT))
                .toList();
        if (store == Store.POSTGRESQL) {
            assertThat(texts).as("request.sql").anySatisfy(s -> assertThat(s).contains("INSERT INTO"));
            assertThat(texts).as("request.sql").anySatisfy(s -> assertThat(s).contains("SELECT"));
        } else {
            assertThat(texts)
                    .as("request.command")
                    .anySatisfy(s -> assertThat(s).startsWith("HGETALL"));
            assertThat(texts)
                    .as("request.command")
                    .anySatisfy(s -> assertThat(s).startsWith("GET"));
        }
    }

    private static @Nullable String field(dev.chaostesting.model.@Nullable Message message, String name) {
        if (message instanceof StructuredMessage structured) {
            var value = structured.get(name);
            if (value instanceof List<?> list) { // a Redis command: its arguments
                return list.stream().map(String::valueOf).collect(Collectors.joining(" "));
            }
            return value == null ? null : value.toString();
        }
        return null;
    }

    private static Set<String> codecNames() {
        return ServiceLoader.load(ProtocolCodec.class).stream()
                .map(p -> p.get().name())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> protocols(List<Interaction> interactions) {
        return interactions.stream().map(Interaction::protocol).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String line(Interaction i) {
        var request = Objects.requireNonNull(i.httpRequest());
        var response = i.httpResponse();
        return request.method() + " " + request.path() + " " + (response == null ? "-" : response.status());
    }
}
