package dev.chaostesting.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.backends.ExampleBackend;
import dev.chaostesting.examples.backends.ExampleBackend.Language;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.recording.Recording;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The services the generated suites are proven against: the bookshop demo and the four example backends. */
enum Service {
    DEMO(null, "/api/books", "bookId", "title", List.of("year", "tags"), Map.of("CHAOS_PASSWORD_ALICE", "wonderland")),
    PYTHON(Language.PYTHON, "/products", "productId", "price_cents", List.of("name", "price_cents"), admin()),
    GO(Language.GO, "/api/projects", "projectId", "name", List.of("name", "description"), admin()),
    RUST(Language.RUST, "/notes", "noteId", "title", List.of("title", "body"), admin()),
    NODE(Language.NODE, "/v1/customers", "customerId", "email", List.of("name"), admin());

    final Language backend;
    final String collection;
    final String parameter;
    final String renamedField;
    final List<String> updatedFields;
    final Map<String, String> secrets;

    Service(
            Language backend,
            String collection,
            String parameter,
            String renamedField,
            List<String> updatedFields,
            Map<String, String> secrets) {
        this.backend = backend;
        this.collection = collection;
        this.parameter = parameter;
        this.renamedField = renamedField;
        this.updatedFields = updatedFields;
        this.secrets = secrets;
    }

    private static Map<String, String> admin() {
        return Map.of("CHAOS_PASSWORD_ADMIN", ExampleBackend.PASSWORD);
    }

    String item() {
        return collection + "/{" + parameter + "}";
    }

    /** A running instance. */
    interface Instance extends AutoCloseable {
        String baseUrl();

        int port();

        @Override
        void close();
    }

    Instance start(String bug) throws Exception {
        if (backend == null) {
            var options = DemoService.Options.defaults()
                    .bug(dev.chaostesting.examples.demo.Bug.parse(bug.isEmpty() ? null : bug));
            var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options);
            return new Instance() {
                public String baseUrl() {
                    return "http://127.0.0.1:" + service.port();
                }

                public int port() {
                    return service.port();
                }

                public void close() {
                    service.close();
                }
            };
        }
        var b = bug.isEmpty()
                ? ExampleBackend.Bug.NONE
                : ExampleBackend.Bug.valueOf(bug.toUpperCase(java.util.Locale.ROOT));
        var backendInstance = ExampleBackend.start(backend, b);
        return new Instance() {
            public String baseUrl() {
                return "http://127.0.0.1:" + backendInstance.port();
            }

            public int port() {
                return backendInstance.port();
            }

            public void close() {
                backendInstance.close();
            }
        };
    }

    /** Records a realistic session through the real proxy, then learns from it. */
    BehaviourModel recordAndLearn(Path dir) throws Exception {
        var recording = dir.resolve("recording");
        try (var instance = start("")) {
            int requests;
            List<String> problems;
            try (var interceptor =
                    Interceptor.onPort(instance.port()).recordTo(recording).start()) {
                var base = "http://127.0.0.1:" + interceptor.port();
                if (backend == null) {
                    var summary = DemoTraffic.run(URI.create(base));
                    requests = summary.requests();
                    problems = summary.unexpected();
                } else {
                    var summary = Traffic.drive(backend, base);
                    requests = summary.requests();
                    problems = summary.problems();
                }
                assertThat(interceptor.recording().awaitCount(requests, Duration.ofSeconds(60)))
                        .as("every request recorded")
                        .isTrue();
            }
            assertThat(problems).as("the traffic went as documented").isEmpty();
        }
        return BehaviourLearner.create().learn(Recording.open(recording));
    }
}
