package dev.chaostesting.codegen.go;

import dev.chaostesting.codegen.GenerationOptions;
import dev.chaostesting.codegen.TestGenerator;
import dev.chaostesting.codegen.internal.CodeWriter;
import dev.chaostesting.codegen.internal.Expressions;
import dev.chaostesting.codegen.internal.Literals;
import dev.chaostesting.codegen.internal.ProjectWriter;
import dev.chaostesting.codegen.internal.Readme;
import dev.chaostesting.codegen.plan.Assertion;
import dev.chaostesting.codegen.plan.ChaosCase;
import dev.chaostesting.codegen.plan.Step;
import dev.chaostesting.codegen.plan.TestPlan;
import dev.chaostesting.codegen.plan.Value;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Go's {@code testing} with {@code net/http} and {@code encoding/json}, no dependencies: one {@code Test<Resource>}
 * per suite whose scenarios are subtests, {@code support_test.go} and {@code session_test.go}.
 */
public final class GoTestGenerator implements TestGenerator {
    @Override
    public String language() {
        return "go";
    }

    @Override
    public List<String> frameworks() {
        return List.of("testing");
    }

    @Override
    public List<String> generate(TestPlan plan, GenerationOptions options) throws IOException {
        var out = new ProjectWriter(options.output());
        var x = new Go();
        out.write("go.mod", "module " + options.projectName().replaceAll("[^A-Za-z0-9._/-]", "-") + "\n\ngo 1.22\n");
        out.write(
                "support_test.go",
                ProjectWriter.resource(
                        getClass(), "support_test.go.txt", Map.of("BASE_URL", Literals.go(plan.defaultBaseUrl()))));
        out.write("session_test.go", session(plan, x));
        for (var suite : plan.suites()) {
            var w = new CodeWriter("\t");
            w.line("package apitests");
            w.line();
            w.line("import \"testing\"");
            w.line();
            w.line("// " + "Test" + pascal(suite.name()) + " "
                    + Literals.comment("tests " + suite.resource() + ", generated from recorded traffic."));
            w.line("func Test" + pascal(suite.name()) + "(t *testing.T) {");
            w.indent();
            var first = true;
            for (var test : suite.tests()) {
                if (!first) {
                    w.line();
                }
                first = false;
                w.line("// " + Literals.comment(test.description()));
                w.line("t.Run(" + x.string(test.name()) + ", func(t *testing.T) {");
                w.indent();
                var strings = new HashSet<String>();
                for (var u : test.uniques()) {
                    strings.add(u.var());
                    w.line(x.var(u.var()) + " := unique(" + x.string(u.recorded()) + ")");
                }
                x.stringVars(strings);
                if (test.steps().stream().anyMatch(GoTestGenerator::usesToken)) {
                    w.line("auth := token(t)");
                }
                int i = 0;
                for (var step : test.steps()) {
                    step(w, x, step, "reply" + (test.steps().size() == 1 ? "" : String.valueOf(++i)));
                }
                w.dedent();
                w.line("})");
            }
            w.dedent();
            w.line("}");
            out.write(suite.name() + "_test.go", w.toString());
        }
        if (!plan.chaos().isEmpty()) {
            out.write(
                    "chaos_support_test.go", ProjectWriter.resource(getClass(), "chaos_support_test.go.txt", Map.of()));
            out.write("chaos_test.go", chaos(plan, x));
        }
        out.write(
                "README.md",
                Readme.render(
                        plan,
                        "Go tests (testing, net/http, encoding/json; no dependencies)",
                        "go test ./...",
                        "export",
                        "go test -run Chaos ./...",
                        "go test -skip Chaos ./..."));
        return out.written();
    }

    private static String chaos(TestPlan plan, Go x) {
        var w = new CodeWriter("\t");
        w.line("package apitests");
        w.line();
        w.line("import (");
        w.line("\t\"testing\"");
        w.line("\t\"time\"");
        w.line(")");
        var suites = new java.util.LinkedHashMap<String, List<ChaosCase>>();
        for (var c : plan.chaos()) {
            suites.computeIfAbsent(c.suite(), k -> new java.util.ArrayList<>()).add(c);
        }
        for (var entry : suites.entrySet()) {
            w.line();
            w.line("// TestChaos" + pascal(entry.getKey()) + " injects faults into the dependencies of "
                    + Literals.comment(entry.getKey()) + " through the control API (go test -run Chaos ./...).");
            w.line("func TestChaos" + pascal(entry.getKey()) + "(t *testing.T) {");
            w.indent();
            var first = true;
            for (var test : entry.getValue()) {
                if (!first) {
                    w.line();
                }
                first = false;
                w.line("// " + Literals.comment(test.description()));
                w.line("t.Run(" + x.string(test.name()) + ", func(t *testing.T) {");
                w.indent();
                var dep = test.dependency();
                w.line("dependency := intercept(t, " + x.string(dep.label()) + ", " + x.string(dep.envVar()) + ", "
                        + x.string(dep.target()) + ")");
                w.line("defer dependency.Close()");
                w.line("dependency.Run(func() bool {");
                w.indent();
                var strings = new HashSet<String>();
                for (var u : test.uniques()) {
                    strings.add(u.var());
                    w.line(x.var(u.var()) + " := unique(" + x.string(u.recorded()) + ")");
                }
                x.stringVars(strings);
                if (test.setup().stream().anyMatch(GoTestGenerator::usesToken) || usesToken(test.call())) {
                    w.line("auth := token(t)");
                }
                int i = 0;
                for (var step : test.setup()) {
                    var reply = "reply" + (++i);
                    w.call(
                            reply + " := " + (step.rawBody() != null ? "send" : "call"),
                            callArgs(x, step, "t"),
                            "",
                            110);
                    w.line("if !dependency.Setup(" + reply + ") {");
                    w.indent().line("return false").dedent();
                    w.line("}");
                    expectations(w, x, step, reply);
                }
                var fault = test.fault();
                w.line("dependency.Inject(" + x.string(fault.specJson()) + ")");
                var within = fault.withinMillis() + " * time.Millisecond";
                var call = test.call();
                var args = new java.util.ArrayList<>(callArgs(x, call, "t"));
                args.add(1, within);
                if (call.rawBody() != null) {
                    args.set(args.size() - 1, "[]byte(" + x.string(call.rawBody()) + ")");
                }
                w.call("outcome := timedCall", args, "", 110);
                var endpoint = x.string(call.endpoint());
                if (fault.expectError()) {
                    w.line("dependency.ExpectError(" + endpoint + ", " + x.string(fault.phrase()) + ", " + within
                            + ", outcome)");
                } else {
                    w.line("dependency.ExpectAnswer(" + endpoint + ", " + x.string(fault.phrase()) + ", "
                            + call.status() + ", " + within + ", outcome)");
                }
                w.line("return true");
                w.dedent();
                w.line("})");
                w.dedent();
                w.line("})");
            }
            w.dedent();
            w.line("}");
        }
        return w.toString();
    }

    static String pascal(String snake) {
        var b = new StringBuilder();
        for (var part : snake.split("_")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }

    static boolean usesToken(Step step) {
        return step.headers().stream().anyMatch(h -> h.value().stream().anyMatch(v -> v instanceof Value.Token));
    }

    private static String session(TestPlan plan, Go x) {
        var w = new CodeWriter("\t");
        w.line("package apitests");
        w.line();
        w.line("import (");
        w.line("\t\"sync\"");
        w.line("\t\"testing\"");
        w.line(")");
        w.line();
        w.line("var (");
        w.line("\tsessionMu    sync.Mutex");
        w.line("\tsessionToken string");
        w.line(")");
        w.line();
        w.line("// token logs in once per run as recorded; the password comes from the environment.");
        w.line("func token(t *testing.T) string {");
        w.indent();
        w.line("t.Helper()");
        if (plan.login() == null) {
            w.line("t.Fatal(\"the recording has no login\")");
            w.line("return \"\"");
        } else {
            w.line("sessionMu.Lock()");
            w.line("defer sessionMu.Unlock()");
            w.line("if sessionToken == \"\" {");
            w.indent();
            x.stringVars(Set.of());
            step(w, x, plan.login().step(), "reply");
            w.line("sessionToken = text(" + x.var(TestPlan.Login.TOKEN_VAR) + ")");
            w.dedent();
            w.line("}");
            w.line("return sessionToken");
        }
        w.dedent();
        w.line("}");
        return w.toString();
    }

    private static void step(CodeWriter w, Go x, Step step, String reply) {
        w.call(reply + " := " + (step.rawBody() != null ? "send" : "call"), callArgs(x, step, "t"), "", 110);
        expectations(w, x, step, reply);
    }

    private static List<String> callArgs(Go x, Step step, String testVar) {
        var headers = new StringBuilder();
        if (step.headers().isEmpty()) {
            headers.append("nil");
        } else {
            headers.append("map[string]string{");
            var first = true;
            for (var h : step.headers()) {
                headers.append(first ? "" : ", ")
                        .append(x.string(h.name()))
                        .append(": ")
                        .append(x.text(h.value()));
                first = false;
            }
            headers.append("}");
        }
        return List.of(
                testVar,
                x.string(step.endpoint()),
                x.string(step.method()),
                x.text(step.path()),
                headers.toString(),
                step.rawBody() != null
                        ? "[]byte(" + x.string(step.rawBody()) + ")"
                        : step.body() == null ? "nil" : x.body(step.body()));
    }

    private static void expectations(CodeWriter w, Go x, Step step, String reply) {
        var chain = reply + ".expect(" + step.status() + ", "
                + x.string(step.mediaType() == null ? "" : step.mediaType()) + ")";
        w.line(chain + (step.assertions().isEmpty() ? "" : "."));
        w.indent();
        for (int i = 0; i < step.assertions().size(); i++) {
            var a = step.assertions().get(i);
            var end = i == step.assertions().size() - 1 ? "" : ".";
            var path = a.path().isEmpty() ? "nil" : "[]string{" + String.join(", ", x.pathElements(a.path())) + "}";
            if (a instanceof Assertion.HasType t) {
                w.line("hasType(" + path + ", "
                        + String.join(", ", t.types().stream().map(x::string).toList()) + ")" + end);
            } else if (a instanceof Assertion.EqualsValue e) {
                w.line("equals(" + path + ", " + x.jsonValue(e.expected()) + ")" + end);
            } else if (a instanceof Assertion.EqualsText e) {
                w.line("equalsText(" + path + ", " + x.text(e.expected()) + ")" + end);
            } else if (a instanceof Assertion.OneOf o) {
                w.line("oneOf(" + path + ", "
                        + String.join(", ", o.values().stream().map(x::json).toList()) + ")" + end);
            } else if (a instanceof Assertion.HasFormat f) {
                w.line("hasFormat(" + path + ", " + x.string(f.format()) + ")" + end);
            }
        }
        w.dedent();
        for (var c : step.captures()) {
            if (c.header() != null) {
                w.line(x.var(c.var()) + " := " + reply + ".headerValue(" + x.string(c.header()) + ")");
            } else {
                w.line(x.var(c.var()) + " := " + reply + ".value([]string{"
                        + String.join(", ", x.pathElements(c.path())) + "})");
            }
        }
    }

    static final class Go extends Expressions {
        @Override
        public String string(String s) {
            return Literals.go(s);
        }

        @Override
        public String nullLiteral() {
            return "nil";
        }

        @Override
        public String number(com.fasterxml.jackson.databind.JsonNode n) {
            if (n.isIntegralNumber() && !n.canConvertToLong()) {
                return n.asText() + ".0"; // an untyped float constant: no int overflow
            }
            return n.asText();
        }

        @Override
        public String bool(boolean b) {
            return String.valueOf(b);
        }

        @Override
        public String array(List<String> elements) {
            return "[]any{" + String.join(", ", elements) + "}";
        }

        @Override
        public String object(List<Map.Entry<String, String>> members) {
            var b = new StringBuilder("map[string]any{");
            for (int i = 0; i < members.size(); i++) {
                b.append(i == 0 ? "" : ", ")
                        .append(string(members.get(i).getKey()))
                        .append(": ")
                        .append(members.get(i).getValue());
            }
            return b.append("}").toString();
        }

        @Override
        public String var(String name) {
            return name;
        }

        @Override
        public String varText(String name) {
            return "text(" + name + ")";
        }

        @Override
        public String token() {
            return "auth";
        }

        @Override
        public String env(String name) {
            return "env(t, " + string(name) + ")";
        }

        @Override
        public String concat(List<String> parts) {
            return String.join(" + ", parts);
        }
    }
}
