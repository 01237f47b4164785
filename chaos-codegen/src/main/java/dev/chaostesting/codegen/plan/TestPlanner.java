package dev.chaostesting.codegen.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chaostesting.codegen.plan.TestPlan.Login;
import dev.chaostesting.codegen.plan.TestPlan.Secret;
import dev.chaostesting.codegen.plan.TestPlan.Suite;
import dev.chaostesting.codegen.plan.TestPlan.TestCase;
import dev.chaostesting.codegen.plan.TestPlan.UniqueValue;
import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.learn.DataFlow;
import dev.chaostesting.learn.Endpoint;
import dev.chaostesting.learn.Example;
import dev.chaostesting.learn.Response;
import dev.chaostesting.learn.Scenario;
import dev.chaostesting.learn.Schema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link TestPlan} from a behaviour model. The rules, each documented in {@code docs/codegen.md}:
 *
 * <ul>
 *   <li>Every request is a recorded example. Path parameters and body members that the model's data flows say were
 *       produced by an earlier response are captured from a fresh producer request in the same test, so every test
 *       builds its own state.
 *   <li>The login that produced the token is replayed once per run; secrets become environment variables.
 *   <li>Fields of a resource that the service keeps unique (a 409 was seen) get a unique value per run and use.
 *   <li>Responses are checked by status, media type, member types, enums, formats, echoes of the request and the
 *       read-backs of writes, never by values that change on their own.
 * </ul>
 */
public final class TestPlanner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FINGERPRINT = Pattern.compile("<redacted(?::sha256:[0-9a-fA-F]*)?>");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Set<String> SKIPPED_HEADERS = Set.of(
            "content-length",
            "host",
            "connection",
            "transfer-encoding",
            "accept-encoding",
            "user-agent",
            "te",
            "upgrade",
            "expect",
            "keep-alive",
            "proxy-connection",
            "cookie2");
    private static final Set<String> USER_MEMBERS = Set.of("username", "user", "login", "email", "name", "user_name");
    /** Identifiers that are keywords or common names in one of the target languages. */
    private static final Set<String> RESERVED = Set.of(
            "abstract",
            "and",
            "as",
            "assert",
            "async",
            "await",
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "crate",
            "def",
            "default",
            "defer",
            "del",
            "delete",
            "do",
            "dyn",
            "elif",
            "else",
            "enum",
            "except",
            "export",
            "extends",
            "extern",
            "false",
            "final",
            "finally",
            "fn",
            "for",
            "from",
            "func",
            "global",
            "go",
            "goto",
            "if",
            "impl",
            "import",
            "in",
            "instanceof",
            "interface",
            "is",
            "lambda",
            "let",
            "loop",
            "map",
            "match",
            "mod",
            "move",
            "mut",
            "new",
            "nil",
            "none",
            "nonlocal",
            "not",
            "null",
            "or",
            "package",
            "pass",
            "private",
            "protected",
            "pub",
            "public",
            "raise",
            "range",
            "ref",
            "return",
            "select",
            "self",
            "static",
            "struct",
            "super",
            "switch",
            "this",
            "throw",
            "throws",
            "trait",
            "true",
            "try",
            "type",
            "typeof",
            "unsafe",
            "use",
            "var",
            "void",
            "where",
            "while",
            "with",
            "yield",
            "token",
            "response",
            "body",
            "client",
            "t",
            "assert_eq",
            "json",
            "api",
            "auth",
            "reply",
            "session",
            "err",
            "ctx",
            "http",
            "support",
            "string",
            "int",
            "object",
            "list",
            "dict",
            "str",
            "len",
            "id_");

    private final BehaviourModel model;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, DataFlow> idFlows = new HashMap<>();
    private final Map<String, Set<String>> tokenConsumers = new HashMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Map<String, Set<String>> uniqueFields = new HashMap<>();
    private @Nullable DataFlow tokenFlow;

    private TestPlanner(BehaviourModel model) {
        this.model = model;
        for (var e : model.endpoints()) {
            endpoints.put(e.key(), e);
        }
    }

    /**
     * Plans the tests of a model.
     *
     * @param model the learned model
     * @param title a human title for READMEs
     * @param defaultBaseUrl the address the tests call when {@code CHAOS_BASE_URL} is not set
     */
    public static TestPlan plan(BehaviourModel model, String title, String defaultBaseUrl) {
        return new TestPlanner(model).build(title, defaultBaseUrl);
    }

    private TestPlan build(String title, String defaultBaseUrl) {
        indexFlows();
        indexUniqueFields();
        Login login = null;
        if (tokenFlow != null) {
            var producer = endpoints.get(tokenFlow.producer());
            var ok = producer == null ? null : successExample(producer);
            if (ok != null) {
                var ctx = new Ctx("login");
                var step = request(ctx, producer, ok.example(), ok.status(), false, false);
                var capture = capture(Login.TOKEN_VAR, tokenFlow.producerLocation());
                if (capture != null) {
                    login = new Login(withCapture(step, capture));
                }
            }
        }
        if (login == null) {
            tokenConsumers.clear();
        }
        var suites = new TreeMap<String, SuiteBuilder>();
        var covered = new HashSet<String>();
        for (var scenario : model.scenarios()) {
            planScenario(scenario, suites, covered);
        }
        for (var e : model.endpoints()) {
            planEndpoint(e, suites, covered);
        }
        var list = new ArrayList<Suite>();
        for (var s : suites.values()) {
            if (!s.tests.isEmpty()) {
                list.add(new Suite(s.name, s.resource, s.tests));
            }
        }
        var chaos = planChaos(suites);
        return new TestPlan(title, defaultBaseUrl, login, List.copyOf(secrets.values()), list, chaos);
    }

    // ---------------------------------------------------------------- chaos

    /** Time within which an endpoint must answer an error when its dependency fails. */
    static final long ERROR_WITHIN_MILLIS = 2000;
    /** The latency injected into a dependency for the "still answers" test. */
    static final long SLOW_MILLIS = 1000;
    /** Time within which an endpoint must still answer as recorded when its dependency is slow. */
    static final long SLOW_WITHIN_MILLIS = 5000;

    /**
     * Two chaos tests per endpoint and dependency (calls attributed with certainty): the dependency {@link
     * #SLOW_MILLIS} slow (the recorded status within {@link #SLOW_WITHIN_MILLIS}), then the dependency resetting
     * connections (an error status within {@link #ERROR_WITHIN_MILLIS}). In that order: a connection the service
     * pooled through the slow test's interceptor is closed with it, and a service that does not notice before reusing
     * it fails its next dependency call, which the reset test expects anyway; the reset leaves nothing pooled.
     */
    private List<ChaosCase> planChaos(Map<String, SuiteBuilder> suites) {
        var dependencies = new LinkedHashMap<String, ChaosCase.ChaosDependency>();
        var envVars = new HashSet<String>();
        var cases = new ArrayList<ChaosCase>();
        var names = new HashSet<String>();
        for (var e : model.endpoints()) {
            var ok = successExample(e);
            if (ok == null || (tokenFlow != null && e.key().equals(tokenFlow.producer()))) {
                continue;
            }
            var targets = new LinkedHashMap<String, dev.chaostesting.learn.Dependency>();
            for (var d : e.dependencies()) {
                if (d.count() > 0 && port(d.target()) > 0) {
                    targets.putIfAbsent(d.target(), d);
                }
            }
            for (var d : targets.values()) {
                var dep = dependencies.computeIfAbsent(d.target(), t -> dependency(d, envVars));
                var noun = identifier(dep.label().replaceFirst("^the ", ""));
                var faults = List.of(
                        new ChaosCase.ChaosFault(
                                (SLOW_MILLIS / 1000) + " s slow",
                                "{\"type\":\"latency\",\"delay\":\"" + SLOW_MILLIS + "ms\"}",
                                false,
                                SLOW_WITHIN_MILLIS),
                        new ChaosCase.ChaosFault(
                                "resetting connections", "{\"type\":\"reset\"}", true, ERROR_WITHIN_MILLIS));
                for (var fault : faults) {
                    var suite = suiteFor(e.path(), suites);
                    var suffix = fault.expectError() ? "_resetting_connections" : "_" + (SLOW_MILLIS / 1000) + "s_slow";
                    var base = "chaos_" + verbNoun(e) + "_with_" + noun + suffix;
                    var name = base;
                    for (int i = 2; !names.add(name); i++) {
                        name = base + "_" + i;
                    }
                    var ctx = new Ctx(name);
                    var call = request(ctx, e, ok.example(), ok.status(), true, true);
                    var description = fault.expectError()
                            ? "With " + dep.label() + " " + fault.phrase() + ", " + e.key()
                                    + " answers an error status (5xx) within " + fault.withinMillis() / 1000 + " s."
                            : "With " + dep.label() + " " + fault.phrase() + ", " + e.key() + " still answers "
                                    + ok.status() + " within " + fault.withinMillis() / 1000 + " s.";
                    var bare = new Step(
                            call.endpoint(),
                            call.method(),
                            call.path(),
                            call.headers(),
                            call.body(),
                            call.rawBody(),
                            call.status(),
                            null,
                            List.of(),
                            List.of());
                    var steps = new ArrayList<>(ctx.steps);
                    steps.add(bare);
                    var pruned = pruneCaptures(steps);
                    cases.add(new ChaosCase(
                            suite.name,
                            name,
                            description,
                            dep,
                            fault,
                            ctx.uniques,
                            pruned.subList(0, pruned.size() - 1),
                            pruned.get(pruned.size() - 1)));
                }
            }
        }
        return cases;
    }

    private static ChaosCase.ChaosDependency dependency(dev.chaostesting.learn.Dependency d, Set<String> envVars) {
        String word;
        String label;
        if (d.protocol().equals("http")
                || d.protocol().equals("http2")
                || d.protocol().equals("grpc")) {
            var op = d.operation();
            var space = op.indexOf(' ');
            var words = words(space < 0 ? op : op.substring(space + 1));
            word = words.isEmpty() ? d.protocol() : words.get(0);
            label = words.isEmpty() ? "the " + d.protocol() + " service" : "the " + singular(word) + " service";
            word = words.isEmpty() ? d.protocol() : singular(word);
        } else {
            word = d.protocol();
            label = "the " + d.protocol() + " server";
        }
        var env = "CHAOS_DEPENDENCY_" + identifier(word).toUpperCase(Locale.ROOT);
        var unique = env;
        for (int i = 2; !envVars.add(unique); i++) {
            unique = env + "_" + i;
        }
        return new ChaosCase.ChaosDependency(printable(label), unique, d.target());
    }

    private static String printable(String s) {
        var b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.toString();
    }

    /** The port of a {@code host:port} target, or -1. */
    static int port(String target) {
        var colon = target.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            int p = Integer.parseInt(target.substring(colon + 1));
            return p > 0 && p < 65536 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- model indexes

    private void indexFlows() {
        var tokenCounts = new HashMap<String, Long>();
        for (var f : model.dataFlows()) {
            if (f.kind().equals("token") && f.consumerLocation().startsWith("header:")) {
                tokenCounts.merge(f.producer() + "\n" + f.producerLocation(), f.count(), Long::sum);
            }
        }
        var best = tokenCounts.entrySet().stream().max(Map.Entry.comparingByValue());
        if (best.isPresent()) {
            var parts = best.get().getKey().split("\n", 2);
            for (var f : model.dataFlows()) {
                if (f.kind().equals("token")
                        && f.producer().equals(parts[0])
                        && f.producerLocation().equals(parts[1])
                        && f.consumerLocation().startsWith("header:")) {
                    tokenFlow = f;
                    tokenConsumers
                            .computeIfAbsent(f.consumer(), k -> new HashSet<>())
                            .add(f.consumerLocation().substring(7).toLowerCase(Locale.ROOT));
                }
            }
        }
        for (var f : model.dataFlows()) {
            if (!f.kind().equals("id")
                    || f.producerLocation().contains("[]")
                    || f.consumerLocation().equals("path")) {
                continue;
            }
            var producer = endpoints.get(f.producer());
            if (producer == null || successExample(producer) == null) {
                continue;
            }
            var key = f.consumer() + "\n" + f.consumerLocation();
            var previous = idFlows.get(key);
            if (previous == null || rank(f) > rank(previous)) {
                idFlows.put(key, f);
            }
        }
    }

    private static long rank(DataFlow f) {
        long r = f.count();
        if (f.producer().startsWith("POST ")) {
            r += 1_000_000;
        }
        if (f.producerLocation().startsWith("body:")) {
            r += 500_000;
        }
        return r;
    }

    /**
     * Unique fields per resource root: string members of a request that got 409 whose value equals the value of the
     * same member in a successful request of the same resource; failing that, every string member without an enum.
     */
    private void indexUniqueFields() {
        for (var e : model.endpoints()) {
            var conflict = e.response(409);
            if (conflict == null || conflict.example() == null) {
                continue;
            }
            var conflictBody = parseObject(conflict.example().requestBody());
            if (conflictBody == null) {
                continue;
            }
            var root = resourceRoot(e.path());
            var fields = new LinkedHashSet<String>();
            for (var other : model.endpoints()) {
                if (!resourceRoot(other.path()).equals(root)) {
                    continue;
                }
                for (var r : other.responses()) {
                    if (r.status() / 100 != 2 || r.example() == null) {
                        continue;
                    }
                    var body = parseObject(r.example().requestBody());
                    if (body == null) {
                        continue;
                    }
                    for (Iterator<String> it = conflictBody.fieldNames(); it.hasNext(); ) {
                        var name = it.next();
                        var v = conflictBody.get(name);
                        if (v.isTextual() && !v.asText().isEmpty() && v.equals(body.get(name)) && free(e, name)) {
                            fields.add(name);
                        }
                    }
                }
            }
            if (fields.isEmpty()) {
                for (Iterator<String> it = conflictBody.fieldNames(); it.hasNext(); ) {
                    var name = it.next();
                    if (conflictBody.get(name).isTextual() && free(e, name)) {
                        fields.add(name);
                    }
                }
            }
            uniqueFields.computeIfAbsent(root, k -> new LinkedHashSet<>()).addAll(fields);
        }
    }

    /** Whether a request member is free text: no enum, and no format other than e-mail. */
    private static boolean free(Endpoint e, String member) {
        var schema = e.requestBody() == null ? null : e.requestBody().property(member);
        return schema == null
                || schema.enumValues() == null
                        && (schema.format() == null || schema.format().equals("email"));
    }

    /** The first two constant segments of a path, then up to its first parameter: {@code /api/books}. */
    static String resourceRoot(String path) {
        var i = path.indexOf("/{");
        return i < 0 ? path : path.substring(0, i);
    }

    private record Ok(Example example, int status) {}

    private static @Nullable Ok successExample(Endpoint e) {
        Ok best = null;
        for (var r : e.responses()) {
            if (r.status() / 100 == 2 && r.example() != null) {
                if (best == null || r.status() == 201) {
                    best = new Ok(r.example(), r.status());
                }
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- scenarios

    private final class SuiteBuilder {
        final String name;
        final String resource;
        final List<TestCase> tests = new ArrayList<>();
        final Set<String> names = new HashSet<>();

        SuiteBuilder(String name, String resource) {
            this.name = name;
            this.resource = resource;
        }

        void add(Ctx ctx, String description) {
            var name = ctx.name;
            for (int i = 2; !names.add(name); i++) {
                name = ctx.name + "_" + i;
            }
            tests.add(new TestCase(name, description, ctx.uniques, pruneCaptures(ctx.steps)));
        }
    }

    /** Drops captures no later step uses (Go refuses unused variables; nobody wants them). */
    static List<Step> pruneCaptures(List<Step> steps) {
        var used = new HashSet<String>();
        for (var step : steps) {
            collect(step.path(), used);
            step.headers().forEach(h -> collect(h.value(), used));
            if (step.body() != null) {
                collect(step.body(), used);
            }
            for (var a : step.assertions()) {
                if (a instanceof Assertion.EqualsValue e) {
                    collect(List.of(e.expected()), used);
                } else if (a instanceof Assertion.EqualsText e) {
                    collect(List.of(e.expected()), used);
                }
            }
        }
        var out = new ArrayList<Step>();
        for (var s : steps) {
            var captures =
                    s.captures().stream().filter(c -> used.contains(c.var())).toList();
            out.add(new Step(
                    s.endpoint(),
                    s.method(),
                    s.path(),
                    s.headers(),
                    s.body(),
                    s.rawBody(),
                    s.status(),
                    s.mediaType(),
                    s.assertions(),
                    captures));
        }
        return out;
    }

    private static void collect(List<Value> values, Set<String> used) {
        for (var v : values) {
            if (v instanceof Value.Var var) {
                used.add(var.name());
            }
        }
    }

    private static void collect(Body body, Set<String> used) {
        if (body instanceof Body.Leaf l) {
            collect(List.of(l.value()), used);
        } else if (body instanceof Body.Arr a) {
            a.elements().forEach(e -> collect(e, used));
        } else {
            ((Body.Obj) body).members().values().forEach(e -> collect(e, used));
        }
    }

    private SuiteBuilder suiteFor(String path, Map<String, SuiteBuilder> suites) {
        var root = resourceRoot(path);
        var words = words(root);
        String name;
        if (tokenFlow != null && path.equals(pathOf(tokenFlow.producer()))) {
            name = "auth";
        } else if (words.isEmpty()) {
            name = "root";
        } else {
            name = words.get(words.size() - 1);
        }
        name = identifier(name);
        var existing = suites.get(name);
        if (existing != null && !existing.resource.equals(root) && !path.startsWith(existing.resource)) {
            name = identifier(String.join("_", words));
        }
        var finalName = name;
        return suites.computeIfAbsent(finalName, n -> new SuiteBuilder(n, root));
    }

    private void planScenario(Scenario scenario, Map<String, SuiteBuilder> suites, Set<String> covered) {
        var resource = scenario.resource();
        var read = endpoints.get("GET " + resource);
        var flow = read == null ? null : idFlows.get(read.key() + "\npath:" + scenario.parameter());
        if (flow == null) {
            for (var e : model.endpoints()) {
                if (e.path().startsWith(resource)) {
                    flow = idFlows.get(e.key() + "\npath:" + scenario.parameter());
                    if (flow != null) {
                        break;
                    }
                }
            }
        }
        if (flow == null) {
            return;
        }
        var creator = endpoints.get(flow.producer());
        var created = successExample(creator);
        if (created == null) {
            return;
        }
        var suite = suiteFor(resource, suites);
        var noun = singular(lastWord(resourceRoot(resource)));
        var paramLocation = "path:" + scenario.parameter();
        var read200 = read == null ? null : read.response(200);
        covered.add(creator.key() + " " + created.status());

        // create, then read it back
        var ctx = new Ctx("create_" + noun + "_then_fetch_it");
        ctx.ensure(flow, scenario.parameter(), true);
        if (read200 != null && read200.example() != null) {
            var step = request(ctx, read, read200.example(), 200, true, true);
            ctx.steps.add(withAssertions(step, readBacks(ctx, scenario, creator.key(), read.key())));
            covered.add(read.key() + " 200");
        }
        suite.add(ctx, "Creates a " + noun + " with " + creator.key() + " and reads it back.");

        // updates, then read back
        for (var e : model.endpoints()) {
            if (!e.path().equals(resource) || !Set.of("PUT", "PATCH", "POST").contains(e.method())) {
                continue;
            }
            var ok = successExample(e);
            if (ok == null) {
                continue;
            }
            var verb = e.method().equals("PATCH") ? "patch_" : "update_";
            ctx = new Ctx(verb + noun + "_then_fetch_it");
            ctx.ensure(flow, scenario.parameter());
            ctx.steps.add(request(ctx, e, ok.example(), ok.status(), true, true));
            if (read200 != null && read200.example() != null) {
                var step = request(ctx, read, read200.example(), 200, true, true);
                ctx.steps.add(withAssertions(step, readBacks(ctx, scenario, e.key(), read.key())));
            }
            suite.add(ctx, "Changes a " + noun + " with " + e.key() + " and reads the change back.");
            covered.add(e.key() + " " + ok.status());
        }

        // delete, then 404
        var delete = endpoints.get("DELETE " + resource);
        var deleted = delete == null ? null : successExample(delete);
        if (deleted != null) {
            var gone = read == null ? null : read.response(404);
            ctx = new Ctx("delete_" + noun + (gone != null ? "_then_fetch_returns_404" : ""));
            ctx.ensure(flow, scenario.parameter());
            ctx.steps.add(request(ctx, delete, deleted.example(), deleted.status(), true, true));
            if (gone != null && read200 != null && read200.example() != null) {
                var step = request(ctx, read, read200.example(), 404, true, false);
                ctx.steps.add(step);
                covered.add(read.key() + " 404");
            }
            suite.add(
                    ctx, "Deletes a " + noun + " with " + delete.key() + (gone != null ? "; reading it is 404." : "."));
            covered.add(delete.key() + " " + deleted.status());
        }

        // the unique field is enforced
        var conflict = creator.response(409);
        if (conflict != null) {
            ctx = new Ctx("create_duplicate_" + noun + "_returns_409");
            ctx.ensure(flow, scenario.parameter(), false);
            var first = ctx.steps.get(ctx.steps.size() - 1);
            var again = new Step(
                    first.endpoint(),
                    first.method(),
                    first.path(),
                    first.headers(),
                    first.body(),
                    first.rawBody(),
                    409,
                    mediaType(conflict),
                    responseAssertions(conflict, first),
                    List.of());
            ctx.steps.add(again);
            suite.add(ctx, "Creating the same " + noun + " twice is a conflict (409).");
            covered.add(creator.key() + " 409");
        }
        if (!paramLocation.isEmpty()) {
            covered.add("scenario " + resource);
        }
    }

    private List<Assertion> readBacks(Ctx ctx, Scenario scenario, String write, String read) {
        var sent = ctx.sentBodies.get(write);
        var list = new ArrayList<Assertion>();
        if (sent == null) {
            return list;
        }
        for (var rb : scenario.readBacks()) {
            if (!rb.write().equals(write) || !rb.read().equals(read)) {
                continue;
            }
            var from = bodyPath(rb.location());
            var to = bodyPath(rb.readLocation());
            if (from == null || to == null) {
                continue;
            }
            var leaf = find(sent, from);
            if (leaf instanceof Body.Leaf l && !(l.value() instanceof Value.Env)) {
                list.add(new Assertion.EqualsValue(to, l.value()));
            } else if (leaf != null && !(leaf instanceof Body.Leaf)) {
                var literal = literal(leaf);
                if (literal != null) {
                    list.add(new Assertion.EqualsValue(to, new Value.Literal(literal)));
                }
            }
        }
        return list;
    }

    // ---------------------------------------------------------------- single endpoints

    private void planEndpoint(Endpoint e, Map<String, SuiteBuilder> suites, Set<String> covered) {
        var isLogin = tokenFlow != null && e.key().equals(tokenFlow.producer());
        for (var r : e.responses()) {
            var ex = r.example();
            int status = r.status();
            if (ex == null || status >= 500 || covered.contains(e.key() + " " + status)) {
                continue;
            }
            boolean hasParams = e.path().contains("{");
            String name;
            String description;
            boolean prerequisites = true;
            if (status / 100 == 2) {
                name = isLogin ? "login" : verbNoun(e);
                description = "Calls " + e.key() + " as recorded: " + status + ".";
            } else if (status == 401 || status == 403) {
                name = (isLogin ? "login_with_wrong_credentials" : verbNoun(e) + "_without_credentials") + "_returns_"
                        + status;
                description = e.key() + " refuses a request without valid credentials (" + status + ").";
            } else if (status == 404) {
                if (hasParams) {
                    continue; // the recorded id may exist by now; the delete scenario covers 404
                }
                name = verbNoun(e) + "_returns_404";
                description = e.key() + " answers 404 as recorded.";
            } else if (status == 409) {
                continue; // needs a second resource holding the value; the create scenario covers 409
            } else if (status / 100 == 4) {
                name = verbNoun(e) + (ex.requestBody() != null ? "_with_invalid_body" : "_with_invalid_input")
                        + "_returns_" + status;
                description = e.key() + " rejects the recorded invalid request with " + status + ".";
            } else {
                continue;
            }
            var suite = suiteFor(e.path(), suites);
            var ctx = new Ctx(name);
            ctx.steps.add(request(ctx, e, ex, status, prerequisites, status / 100 == 2));
            suite.add(ctx, description);
        }
    }

    private String verbNoun(Endpoint e) {
        var words = words(e.path());
        var item = e.path().endsWith("}");
        var verb = switch (e.method()) {
            case "GET" -> item || words.isEmpty() || !plural(words.get(words.size() - 1)) ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> e.method().toLowerCase(Locale.ROOT);
        };
        var parts = new ArrayList<String>();
        parts.add(verb);
        for (int i = 0; i < words.size(); i++) {
            var w = words.get(i);
            boolean last = i == words.size() - 1;
            parts.add(last && verb.equals("list") ? w : singular(w));
        }
        if (words.isEmpty()) {
            parts.add("root");
        }
        return identifier(String.join("_", parts));
    }

    // ---------------------------------------------------------------- requests

    /** What a test has built so far: its steps, variables and the values it sent. */
    private final class Ctx {
        final String name;
        final List<Step> steps = new ArrayList<>();
        final List<UniqueValue> uniques = new ArrayList<>();
        final Map<String, String> uniqueByRecorded = new HashMap<>();
        final Map<String, String> produced = new HashMap<>();
        final Set<String> vars = new HashSet<>();
        final Map<String, Body> sentBodies = new HashMap<>();

        Ctx(String name) {
            this.name = identifier(name);
        }

        String newVar(String base) {
            var b = identifier(base);
            var camel = camel(b);
            if (RESERVED.contains(camel.toLowerCase(Locale.ROOT)) || camel.startsWith("reply")) {
                camel = camel + "Value";
            }
            var name = camel;
            for (int i = 2; !vars.add(name); i++) {
                name = camel + i;
            }
            return name;
        }

        String unique(String recorded, String member) {
            return uniqueByRecorded.computeIfAbsent(recorded, r -> {
                var v = newVar(member);
                uniques.add(new UniqueValue(v, r));
                return v;
            });
        }

        /** The variable holding what {@code flow}'s producer produced, adding the producer's request when needed. */
        String ensure(DataFlow flow, String hint) {
            return ensure(flow, hint, false);
        }

        /** As {@link #ensure(DataFlow, String)}; {@code checked}: the producer's response is checked in full. */
        String ensure(DataFlow flow, String hint, boolean checked) {
            var key = flow.producer() + "\n" + flow.producerLocation();
            var existing = produced.get(key);
            if (existing != null) {
                return existing;
            }
            var producer = endpoints.get(flow.producer());
            var ok = successExample(producer);
            var step = request(this, producer, ok.example(), ok.status(), true, true);
            var var = newVar(hint);
            var capture = capture(var, flow.producerLocation());
            if (capture == null) {
                throw new IllegalStateException("cannot capture " + flow.producerLocation());
            }
            // a prerequisite: its own test checks its response; here only the status matters
            step = checked
                    ? step
                    : new Step(
                            step.endpoint(),
                            step.method(),
                            step.path(),
                            step.headers(),
                            step.body(),
                            step.rawBody(),
                            step.status(),
                            step.mediaType(),
                            List.of(),
                            List.of());
            steps.add(withCapture(step, capture));
            produced.put(key, var);
            return var;
        }
    }

    private static Step withCapture(Step s, Step.Capture c) {
        var captures = new ArrayList<>(s.captures());
        captures.add(c);
        return new Step(
                s.endpoint(),
                s.method(),
                s.path(),
                s.headers(),
                s.body(),
                s.rawBody(),
                s.status(),
                s.mediaType(),
                s.assertions(),
                captures);
    }

    private static Step withAssertions(Step s, List<Assertion> more) {
        var assertions = new ArrayList<>(s.assertions());
        for (var a : more) {
            assertions.removeIf(old -> old.path().equals(a.path()) && !(old instanceof Assertion.HasType));
            assertions.add(a);
        }
        return new Step(
                s.endpoint(),
                s.method(),
                s.path(),
                s.headers(),
                s.body(),
                s.rawBody(),
                s.status(),
                s.mediaType(),
                assertions,
                s.captures());
    }

    private static Step.@Nullable Capture capture(String var, String location) {
        if (location.startsWith("header:")) {
            return new Step.Capture(var, location.substring(7), List.of());
        }
        var path = bodyPath(location);
        return path == null ? null : new Step.Capture(var, null, path);
    }

    /**
     * The step replaying {@code ex} against {@code e}, expecting {@code status}.
     *
     * @param prerequisites whether produced ids are obtained by earlier steps (else sent as recorded)
     * @param uniquify whether unique fields get unique values
     */
    private Step request(Ctx ctx, Endpoint e, Example ex, int status, boolean prerequisites, boolean uniquify) {
        // path
        var target = ex.target();
        var q = target.indexOf('?');
        var rawPath = q < 0 ? target : target.substring(0, q);
        var query = q < 0 ? "" : target.substring(q);
        var template = e.path().split("/", -1);
        var actual = rawPath.split("/", -1);
        var parts = new ArrayList<Value>();
        var paramValues = new HashMap<String, Value>();
        if (template.length == actual.length) {
            var text = new StringBuilder();
            for (int i = 0; i < template.length; i++) {
                if (i > 0) {
                    text.append('/');
                }
                var seg = template[i];
                if (seg.startsWith("{") && seg.endsWith("}")) {
                    var param = seg.substring(1, seg.length() - 1);
                    var flow = prerequisites ? idFlows.get(e.key() + "\npath:" + param) : null;
                    if (flow != null) {
                        if (text.length() > 0) {
                            parts.add(new Value.Text(text.toString()));
                            text.setLength(0);
                        }
                        var v = new Value.Var(ctx.ensure(flow, param));
                        parts.add(v);
                        paramValues.put(param, v);
                        continue;
                    }
                    paramValues.put(param, new Value.Text(actual[i]));
                }
                text.append(actual[i]);
            }
            text.append(query);
            if (text.length() > 0) {
                parts.add(new Value.Text(text.toString()));
            }
        } else {
            parts.add(new Value.Text(target));
        }

        // body
        Body body = null;
        String rawBody = null;
        if (ex.requestBody() != null) {
            JsonNode json = parse(ex.requestBody());
            if (json != null && json.isContainerNode()) {
                var unique = uniquify && (status / 100 == 2 || status == 409)
                        ? uniqueFields.getOrDefault(resourceRoot(e.path()), Set.of())
                        : Set.<String>of();
                body = body(ctx, e, json, new ArrayList<>(), status, prerequisites, unique);
            } else {
                rawBody = ex.requestBody();
            }
        }

        // headers
        var headers = new ArrayList<Step.Header>();
        var consumers = tokenConsumers.getOrDefault(e.key(), Set.of());
        for (var h : ex.requestHeaders().entrySet()) {
            var name = h.getKey();
            var lower = name.toLowerCase(Locale.ROOT);
            if (SKIPPED_HEADERS.contains(lower) || lower.startsWith(":")) {
                continue;
            }
            if (lower.equals("content-type") && body == null && rawBody == null) {
                continue;
            }
            var value = h.getValue();
            if (consumers.contains(lower)) {
                headers.add(new Step.Header(name, splitToken(value)));
            } else if (FINGERPRINT.matcher(value).find()) {
                var env = secret("CHAOS_HEADER_" + envName(name), "request header " + name + " of " + e.key());
                headers.add(new Step.Header(name, List.of(new Value.Env(env))));
            } else {
                headers.add(new Step.Header(name, List.of(new Value.Text(value))));
            }
        }
        if (body != null && headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("content-type"))) {
            headers.add(new Step.Header("Content-Type", List.of(new Value.Text("application/json"))));
        }
        if (body != null) {
            ctx.sentBodies.put(e.key(), body);
        }

        var response = e.response(status);
        var partial = new Step(e.key(), e.method(), parts, headers, body, rawBody, status, null, List.of(), List.of());
        var assertions = response == null ? List.<Assertion>of() : responseAssertions(response, partial, paramValues);
        return new Step(
                e.key(),
                e.method(),
                parts,
                headers,
                body,
                rawBody,
                status,
                response == null ? null : mediaType(response),
                assertions,
                List.of());
    }

    private static List<Value> splitToken(String recorded) {
        var m = FINGERPRINT.matcher(recorded);
        if (!m.find()) {
            m = JWT.matcher(recorded);
            if (!m.find()) {
                return List.of(new Value.Token());
            }
        }
        var parts = new ArrayList<Value>();
        if (m.start() > 0) {
            parts.add(new Value.Text(recorded.substring(0, m.start())));
        }
        parts.add(new Value.Token());
        if (m.end() < recorded.length()) {
            parts.add(new Value.Text(recorded.substring(m.end())));
        }
        return parts;
    }

    private Body body(
            Ctx ctx,
            Endpoint e,
            JsonNode json,
            List<String> path,
            int status,
            boolean prerequisites,
            Set<String> unique) {
        if (json.isObject()) {
            var members = new LinkedHashMap<String, Body>();
            for (var it = json.fields(); it.hasNext(); ) {
                var m = it.next();
                var p = new ArrayList<>(path);
                p.add(m.getKey());
                members.put(m.getKey(), body(ctx, e, m.getValue(), p, status, prerequisites, unique));
            }
            return new Body.Obj(members);
        }
        if (json.isArray()) {
            var elements = new ArrayList<Body>();
            for (var el : json) {
                elements.add(body(ctx, e, el, List.of(), status, false, Set.of()));
            }
            return new Body.Arr(elements);
        }
        if (path.isEmpty()) {
            return new Body.Leaf(new Value.Literal(json));
        }
        var location = "body:" + Assertion.describe(path);
        if (e.secretInputs().contains(location)
                || (json.isTextual() && FINGERPRINT.matcher(json.asText()).find())) {
            if (status == 401 || status == 403) {
                return new Body.Leaf(new Value.Text("wrong-" + path.get(path.size() - 1) + "-chaos-testing"));
            }
            return new Body.Leaf(new Value.Env(secretFor(e, path)));
        }
        if (prerequisites) {
            var flow = idFlows.get(e.key() + "\n" + location);
            if (flow != null) {
                return new Body.Leaf(new Value.Var(ctx.ensure(flow, path.get(path.size() - 1))));
            }
        }
        if (path.size() == 1 && json.isTextual() && !json.asText().isEmpty() && unique.contains(path.get(0))) {
            return new Body.Leaf(new Value.Var(ctx.unique(json.asText(), path.get(0))));
        }
        return new Body.Leaf(new Value.Literal(json));
    }

    private String secretFor(Endpoint e, List<String> path) {
        var member = path.get(path.size() - 1);
        var name = "CHAOS_" + envName(member);
        var user = "";
        var ex = successExample(e);
        var body = ex == null ? null : parseObject(ex.example().requestBody());
        if (body != null && path.size() == 1) {
            for (var candidate : USER_MEMBERS) {
                var v = body.get(candidate);
                if (v != null
                        && v.isTextual()
                        && !FINGERPRINT.matcher(v.asText()).find()) {
                    user = v.asText();
                    break;
                }
            }
        }
        if (!user.isEmpty()) {
            name = name + "_" + envName(user);
        }
        return secret(
                name,
                "body " + Assertion.describe(path) + " of " + e.key() + (user.isEmpty() ? "" : " (user " + user + ")"));
    }

    private String secret(String env, String description) {
        secrets.putIfAbsent(env, new Secret(env, description));
        return env;
    }

    static String envName(String s) {
        var b = new StringBuilder();
        for (var c : s.toUpperCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        var r = b.toString().replaceAll("_+", "_").replaceAll("^_|_$", "");
        return r.isEmpty() ? "VALUE" : r;
    }

    // ---------------------------------------------------------------- expectations

    private static @Nullable String mediaType(Response r) {
        if (r.contentType() == null || r.body() == null && r.status() == 204) {
            return null;
        }
        var semi = r.contentType().indexOf(';');
        var mt = (semi < 0 ? r.contentType() : r.contentType().substring(0, semi))
                .trim()
                .toLowerCase(Locale.ROOT);
        return mt.isEmpty() ? null : mt;
    }

    private List<Assertion> responseAssertions(Response r, Step request) {
        return responseAssertions(r, request, Map.of());
    }

    private List<Assertion> responseAssertions(Response r, Step request, Map<String, Value> paramValues) {
        var list = new ArrayList<Assertion>();
        if (r.body() != null) {
            schemaAssertions(r, r.body(), new ArrayList<>(), list, 0);
        }
        for (var echo : r.echoes()) {
            var to = bodyPath(echo.location());
            if (to == null) {
                continue;
            }
            var from = echo.requestLocation();
            if (from.startsWith("path:")) {
                var v = paramValues.get(from.substring(5));
                if (v != null) {
                    replace(list, new Assertion.EqualsText(to, v));
                }
            } else if (from.startsWith("body:") && request.body() != null) {
                var p = bodyPath(from);
                var leaf = p == null ? null : find(request.body(), p);
                if (leaf instanceof Body.Leaf l && !(l.value() instanceof Value.Env)) {
                    replace(list, new Assertion.EqualsValue(to, l.value()));
                }
            }
        }
        return list;
    }

    private static void replace(List<Assertion> list, Assertion a) {
        list.removeIf(old -> old.path().equals(a.path()) && !(old instanceof Assertion.HasType));
        list.add(a);
    }

    private void schemaAssertions(Response r, Schema schema, List<String> path, List<Assertion> out, int depth) {
        var location = "body:" + Assertion.describe(path);
        var dynamic = r.dynamicAt(location) != null;
        if (!schema.type().isEmpty()) {
            out.add(new Assertion.HasType(path, schema.type()));
        }
        if (schema.enumValues() != null && !schema.enumValues().isEmpty() && !dynamic && !path.isEmpty()) {
            var values = new ArrayList<JsonNode>();
            for (var v : schema.enumValues()) {
                values.add(JSON.valueToTree(v));
            }
            if (values.size() == 1) {
                out.add(new Assertion.EqualsValue(path, new Value.Literal(values.get(0))));
            } else {
                out.add(new Assertion.OneOf(path, values));
            }
        }
        if (schema.format() != null && Set.of("uuid", "date-time", "date").contains(schema.format())) {
            out.add(new Assertion.HasFormat(path, schema.format()));
        }
        if (schema.properties() != null
                && schema.required() != null
                && depth < 3
                && schema.type().contains("object")) {
            for (var name : schema.required()) {
                var child = schema.property(name);
                if (child != null) {
                    var p = new ArrayList<>(path);
                    p.add(name);
                    schemaAssertions(r, child, p, out, depth + 1);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static @Nullable List<String> bodyPath(String location) {
        if (!location.startsWith("body:$") || location.contains("[]")) {
            return null;
        }
        var rest = location.substring(6);
        if (rest.isEmpty()) {
            return List.of();
        }
        if (!rest.startsWith(".")) {
            return null;
        }
        return List.of(rest.substring(1).split("\\.", -1));
    }

    private static @Nullable Body find(Body body, List<String> path) {
        var current = body;
        for (var p : path) {
            if (current instanceof Body.Obj o && o.members().containsKey(p)) {
                current = o.members().get(p);
            } else {
                return null;
            }
        }
        return current;
    }

    private static @Nullable JsonNode literal(Body body) {
        var f = JsonNodeFactory.instance;
        if (body instanceof Body.Leaf l) {
            return l.value() instanceof Value.Literal lit ? lit.json() : null;
        }
        if (body instanceof Body.Arr a) {
            var arr = f.arrayNode();
            for (var el : a.elements()) {
                var j = literal(el);
                if (j == null) {
                    return null;
                }
                arr.add(j);
            }
            return arr;
        }
        var obj = f.objectNode();
        for (var m : ((Body.Obj) body).members().entrySet()) {
            var j = literal(m.getValue());
            if (j == null) {
                return null;
            }
            obj.set(m.getKey(), j);
        }
        return obj;
    }

    private static @Nullable JsonNode parse(@Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    private static @Nullable JsonNode parseObject(@Nullable String text) {
        var n = parse(text);
        return n != null && n.isObject() ? n : null;
    }

    private static String pathOf(String key) {
        return key.substring(key.indexOf(' ') + 1);
    }

    /** Constant words of a path, without {@code api} and version segments. */
    static List<String> words(String path) {
        var out = new ArrayList<String>();
        for (var seg : path.split("/")) {
            if (seg.isEmpty() || seg.startsWith("{") || seg.equals("api") || seg.matches("v\\d+(\\.\\d+)*")) {
                continue;
            }
            var id = identifier(seg);
            if (!id.isEmpty()) {
                out.add(id);
            }
        }
        return out;
    }

    private static String lastWord(String path) {
        var w = words(path);
        return w.isEmpty() ? "resource" : w.get(w.size() - 1);
    }

    private static boolean plural(String word) {
        return word.endsWith("s") && !word.endsWith("ss");
    }

    static String singular(String word) {
        if (word.endsWith("ies") && word.length() > 3) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches") || word.endsWith("shes")) {
            return word.substring(0, word.length() - 2);
        }
        if (word.endsWith("s") && !word.endsWith("ss") && word.length() > 1) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /** A snake_case ASCII identifier: camel humps split, anything else becomes {@code _}. */
    public static String identifier(String s) {
        var b = new StringBuilder();
        char prev = 0;
        for (var c : s.toCharArray()) {
            if (c >= 'A' && c <= 'Z') {
                if (prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9') {
                    b.append('_');
                }
                b.append((char) (c + 32));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                b.append(c);
            } else {
                b.append('_');
            }
            prev = c;
        }
        var r = b.toString().replaceAll("_+", "_").replaceAll("^_|_$", "");
        if (r.isEmpty()) {
            return "x";
        }
        return Character.isDigit(r.charAt(0)) ? "n" + r : r;
    }

    /** {@code book_id} to {@code bookId}. */
    public static String camel(String snake) {
        var b = new StringBuilder();
        boolean up = false;
        for (var c : snake.toCharArray()) {
            if (c == '_') {
                up = b.length() > 0;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.length() == 0 ? "x" : b.toString();
    }

    /** {@code bookId} to {@code book_id}. */
    public static String snake(String camel) {
        return identifier(camel);
    }

    @SuppressWarnings("unused")
    private static final Comparator<DataFlow> BY_COUNT = Comparator.comparingLong(DataFlow::count);
}
