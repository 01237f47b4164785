package dev.chaostesting.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.chaostesting.codegen.plan.Assertion;
import dev.chaostesting.codegen.plan.Body;
import dev.chaostesting.codegen.plan.Step;
import dev.chaostesting.codegen.plan.TestPlan;
import dev.chaostesting.codegen.plan.Value;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recorded strings full of quotes, backslashes, newlines, unicode, NUL and interpolation markers, as body values,
 * member names, unique values and descriptions (seeded): every generator's code must compile with the real toolchain
 * and assert the exact values against an echo server; the same plan expecting a changed value must fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafetyPropertyTest {
    private static final List<String> FRAGMENTS = List.of(
            "\"",
            "'",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u0000",
            "${x}",
            "{x}",
            "#{x}",
            "\"\"\"",
            "%s",
            "%d",
            "{}",
            "{{",
            "}}",
            "$1",
            "$",
            "\u2028",
            "\u2029",
            "\uD83D\uDE00",
            "\u00e9",
            "\u4e2d",
            "*/",
            "/*",
            "//",
            "#",
            "`",
            "\\u0041",
            "\\n",
            "\u007f",
            "\u0085",
            "\ufeff",
            "\u0001",
            "\u001b",
            "<redacted>",
            "--",
            " ",
            "a",
            "Z",
            "0",
            "\\x41",
            "'''",
            "%",
            "@",
            "\u00a0",
            "\\\\\"");
    private static final long SEED = 0x5eedL;

    private EchoServer echo;
    private final Path work = Path.of("target", "codegen-safety").toAbsolutePath();

    @BeforeAll
    void start() throws Exception {
        echo = new EchoServer();
        GenerationProofTest.deleteTree(work);
    }

    @AfterAll
    void stop() {
        echo.close();
    }

    static String random(Random r, int maxFragments) {
        var b = new StringBuilder();
        int n = 1 + r.nextInt(maxFragments);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(4) == 0) {
                b.appendCodePoint(0x20 + r.nextInt(0x5f));
            } else {
                b.append(FRAGMENTS.get(r.nextInt(FRAGMENTS.size())));
            }
        }
        return b.toString();
    }

    /** A plan with one login (token from a secret) and one test echoing the tricky values. */
    TestPlan plan(long seed, boolean mustFail) {
        var r = new Random(seed);
        var members = new LinkedHashMap<String, Body>();
        var assertions = new ArrayList<Assertion>();
        for (int i = 0; i < 8; i++) {
            var key = random(r, 3) + i;
            var value = random(r, 8);
            members.put(key, new Body.Leaf(new Value.Literal(TextNode.valueOf(value))));
            assertions.add(new Assertion.HasType(List.of(key), List.of("string")));
            assertions.add(new Assertion.EqualsValue(
                    List.of(key), new Value.Literal(TextNode.valueOf(mustFail && i == 3 ? value + "!" : value))));
        }
        var recorded = random(r, 6);
        members.put("unique", new Body.Leaf(new Value.Var("uniqueValue")));
        assertions.add(new Assertion.EqualsValue(List.of("unique"), new Value.Var("uniqueValue")));
        var nested = new LinkedHashMap<String, Body>();
        nested.put(
                random(r, 2),
                new Body.Arr(List.of(
                        new Body.Leaf(new Value.Literal(TextNode.valueOf(random(r, 4)))),
                        new Body.Leaf(new Value.Literal(com.fasterxml.jackson.databind.node.IntNode.valueOf(-7))),
                        new Body.Leaf(new Value.Literal(com.fasterxml.jackson.databind.node.NullNode.instance)))));
        members.put("nested", new Body.Obj(nested));
        var json = List.of(new Step.Header("Content-Type", List.of(new Value.Text("application/json"))));
        var loginBody = new Body.Obj(Map.of(
                "user", new Body.Leaf(new Value.Literal(TextNode.valueOf(random(r, 4)))),
                "token", new Body.Leaf(new Value.Env("CHAOS_SECRET_SAFETY"))));
        var login = new Step(
                "POST /login " + random(r, 4),
                "POST",
                List.of(new Value.Text("/login")),
                json,
                loginBody,
                null,
                200,
                "application/json",
                List.of(new Assertion.HasType(List.of("token"), List.of("string"))),
                List.of(new Step.Capture("token", null, List.of("token"))));
        var headers = new ArrayList<>(json);
        headers.add(new Step.Header("Authorization", List.of(new Value.Text("Bearer "), new Value.Token())));
        // printable text with braces and interpolation markers around the token (Rust puts it in a format string)
        headers.add(new Step.Header(
                "X-Note",
                List.of(
                        new Value.Text("{x} ${y} #{z} %s {{}} " + (char) ('a' + r.nextInt(26)) + " "),
                        new Value.Token(),
                        new Value.Text(" }{"))));
        var endpoint = "POST /echo " + random(r, 5);
        var step = new Step(
                endpoint,
                "POST",
                List.of(new Value.Text("/echo?q=" + (seed % 100))),
                headers,
                new Body.Obj(members),
                null,
                200,
                "application/json",
                assertions,
                List.of());
        var test = new TestPlan.TestCase(
                "echo_round_trip",
                "Echoes " + random(r, 6),
                List.of(new TestPlan.UniqueValue("uniqueValue", recorded)),
                List.of(step));
        return new TestPlan(
                "Safety " + random(r, 3),
                echo.baseUrl(),
                new TestPlan.Login(login),
                List.of(new TestPlan.Secret("CHAOS_SECRET_SAFETY", "a secret " + random(r, 3))),
                List.of(new TestPlan.Suite("echo", "/echo " + random(r, 3), List.of(test))));
    }

    private Path generate(String language, TestPlan plan, String name) throws Exception {
        var dir = work.resolve(language).resolve(name);
        GenerationProofTest.deleteTree(dir);
        var generator = TestGeneration.generators().get(language);
        var options = GenerationOptions.of(language, dir).withProjectName("safety-" + name);
        generator.generate(plan, options.withFramework(generator.frameworks().get(0)));
        return dir;
    }

    private static Map<String, String> env() {
        return Map.of("CHAOS_SECRET_SAFETY", "s3cr\"et\\ $x");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python", "javascript", "go", "rust"})
    @Timeout(900)
    void tricky_strings_compile_and_are_asserted_exactly(String language) throws Exception {
        for (long seed = SEED; seed < SEED + 2; seed++) {
            var ok = generate(language, plan(seed, false), "pass" + seed);
            check(language, ok);
            var pass = Toolchains.run(language, ok, env());
            assertThat(pass.ok())
                    .as("%s seed %d:\n%s", language, seed, pass.tail(5000))
                    .isTrue();
            var bad = generate(language, plan(seed, true), "fail" + seed);
            var fail = Toolchains.run(language, bad, env());
            assertThat(fail.ok())
                    .as("%s seed %d with a changed value must fail:\n%s", language, seed, fail.tail(3000))
                    .isFalse();
            assertThat(fail.output()).as("the failure names the endpoint").contains("POST /echo");
        }
    }

    private static void check(String language, Path dir) throws Exception {
        switch (language) {
            case "python" -> {
                try (var files = Files.list(dir)) {
                    for (var f : files.filter(p -> p.toString().endsWith(".py")).toList()) {
                        var r = Proc.run(
                                dir,
                                Map.of(),
                                java.time.Duration.ofMinutes(1),
                                List.of(
                                        Toolchains.python()
                                                .resolve("bin/python")
                                                .toString(),
                                        "-c",
                                        "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')",
                                        f.toString()));
                        assertThat(r.ok())
                                .as("python compiles %s:\n%s", f, r.output())
                                .isTrue();
                    }
                }
            }
            case "javascript" -> {
                Toolchains.require("node");
                try (var files = Files.walk(dir)) {
                    for (var f : files.filter(p -> p.toString().endsWith(".js")).toList()) {
                        var r = Proc.run(
                                dir,
                                Map.of(),
                                java.time.Duration.ofMinutes(1),
                                List.of("node", "--check", f.toString()));
                        assertThat(r.ok())
                                .as("node --check %s:\n%s", f, r.output())
                                .isTrue();
                    }
                }
            }
            case "go" -> {
                Toolchains.require("go");
                var r = Proc.run(
                        dir,
                        Map.of("GOTOOLCHAIN", "local", "GOFLAGS", "-mod=mod"),
                        java.time.Duration.ofMinutes(3),
                        List.of("go", "vet", "./..."));
                assertThat(r.ok()).as("go vet:\n%s", r.output()).isTrue();
            }
            default -> {}
        }
    }

    @Test
    @Timeout(300)
    void java_tricky_strings_compile_with_javac_and_are_asserted_exactly() throws Throwable {
        for (long seed = SEED; seed < SEED + 3; seed++) {
            var ok = generate("java", plan(seed, false), "pass" + seed);
            assertThat(runJava(ok)).as("java seed %d", seed).isEmpty();
            var bad = generate("java", plan(seed, true), "fail" + seed);
            var failures = runJava(bad);
            assertThat(failures)
                    .as("java seed %d with a changed value must fail", seed)
                    .isNotEmpty();
            assertThat(failures.get(0)).contains("POST /echo");
        }
    }

    /**
     * Compiles the generated Java sources with javac (javax.tools) against this JVM's class path and runs their
     * {@code @Test} methods. The secret comes from the environment, which a running JVM cannot set, so the login is
     * checked to fail with the variable's name and the test methods are run with the token already cached.
     */
    private List<String> runJava(Path project) throws Throwable {
        var sources = project.resolve("src/test/java");
        var classes = project.resolve("target/test-classes");
        Files.createDirectories(classes);
        List<Path> files;
        try (var walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        var compiler = ToolProvider.getSystemJavaCompiler();
        var out = new java.io.StringWriter();
        try (var fm = compiler.getStandardFileManager(null, null, java.nio.charset.StandardCharsets.UTF_8)) {
            var units = fm.getJavaFileObjectsFromPaths(files);
            var ok = compiler.getTask(
                            out,
                            fm,
                            null,
                            List.of(
                                    "--release",
                                    "17",
                                    "-encoding",
                                    "UTF-8",
                                    "-Xlint:all",
                                    "-d",
                                    classes.toString(),
                                    "-classpath",
                                    System.getProperty("java.class.path")),
                            null,
                            units)
                    .call();
            assertThat(ok).as("javac:\n%s", out).isTrue();
        }
        var failures = new ArrayList<String>();
        try (var loader = new URLClassLoader(
                new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            var session = loader.loadClass("apitests.Session");
            var cached = session.getDeclaredField("cached");
            cached.setAccessible(true);
            if (System.getenv("CHAOS_SECRET_SAFETY") == null) {
                var token = session.getMethod("token");
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> invoke(token, null)))
                        .hasMessageContaining("CHAOS_SECRET_SAFETY");
                cached.set(null, env().get("CHAOS_SECRET_SAFETY"));
            }
            var suite = loader.loadClass("apitests.EchoTest");
            var ctor = suite.getDeclaredConstructor();
            ctor.setAccessible(true);
            for (Method m : suite.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class)) {
                    m.setAccessible(true);
                    try {
                        invoke(m, ctor.newInstance());
                    } catch (AssertionError e) {
                        failures.add(e.getMessage());
                    }
                }
            }
        }
        return failures.stream().map(String::valueOf).collect(Collectors.toList());
    }

    private static void invoke(Method m, Object target) throws Throwable {
        try {
            m.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
