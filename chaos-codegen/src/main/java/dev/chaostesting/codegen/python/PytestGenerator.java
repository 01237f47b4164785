package dev.chaostesting.codegen.python;

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
import dev.chaostesting.codegen.plan.TestPlanner;
import dev.chaostesting.codegen.plan.Value;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** pytest + requests: {@code conftest.py} fixtures, {@code support.py}, one {@code test_<resource>.py} per suite. */
public final class PytestGenerator implements TestGenerator {
    @Override
    public String language() {
        return "python";
    }

    @Override
    public List<String> frameworks() {
        return List.of("pytest");
    }

    @Override
    public List<String> generate(TestPlan plan, GenerationOptions options) throws IOException {
        var out = new ProjectWriter(options.output());
        var x = new Py();
        out.write(
                "support.py",
                ProjectWriter.resource(
                        getClass(), "support.py", Map.of("BASE_URL", Literals.python(plan.defaultBaseUrl()))));
        out.write("conftest.py", conftest(plan, x));
        for (var suite : plan.suites()) {
            var w = new CodeWriter("    ");
            w.line(Literals.python("Tests of " + suite.resource() + ", generated from recorded traffic."));
            w.line();
            w.line("from support import env, text, unique  # noqa: F401");
            for (var test : suite.tests()) {
                w.line();
                w.line();
                var usesToken = test.steps().stream().anyMatch(PytestGenerator::usesToken);
                w.line("def test_" + test.name() + "(api" + (usesToken ? ", token" : "") + "):");
                w.indent();
                w.line(Literals.python(test.description()));
                var strings = new HashSet<String>();
                for (var u : test.uniques()) {
                    strings.add(u.var());
                    w.line(x.var(u.var()) + " = unique(" + x.string(u.recorded()) + ")");
                }
                x.stringVars(strings);
                for (var step : test.steps()) {
                    step(w, x, step);
                }
                w.dedent();
            }
            out.write("test_" + suite.name() + ".py", w.toString());
        }
        for (var suite : plan.suites()) {
            var cases = plan.chaosOf(suite.name());
            if (!cases.isEmpty()) {
                out.write("test_chaos_" + suite.name() + ".py", chaos(suite, cases, x));
            }
        }
        var orphans = plan.chaos().stream()
                .filter(c -> plan.suites().stream().noneMatch(s -> s.name().equals(c.suite())))
                .toList();
        if (!orphans.isEmpty()) {
            out.write("test_chaos_other.py", chaos(new TestPlan.Suite("other", "/", List.of()), orphans, x));
        }
        if (!plan.chaos().isEmpty()) {
            out.write("chaos.py", ProjectWriter.resource(getClass(), "chaos.py", Map.of()));
        }
        out.write("requirements.txt", "pytest>=8,<10\nrequests>=2.31,<3\n");
        out.write(
                "pytest.ini",
                "[pytest]\naddopts = -ra\nmarkers =\n    chaos: faults injected into a dependency"
                        + " through the control API (deselect with -m \"not chaos\")\n");
        out.write(
                "README.md",
                Readme.render(
                        plan,
                        "Python tests (pytest + requests)",
                        "python3 -m venv .venv && . .venv/bin/activate\npip install -r requirements.txt\npytest",
                        "export",
                        "pytest -m chaos",
                        "pytest -m \"not chaos\""));
        return out.written();
    }

    private static String chaos(TestPlan.Suite suite, List<ChaosCase> cases, Py x) {
        var w = new CodeWriter("    ");
        w.line(Literals.python("Chaos tests of " + suite.resource()
                + ": faults injected into a dependency through the control API (pytest -m chaos; -m \"not chaos\""
                + " leaves them out)."));
        w.line();
        w.line("import pytest");
        w.line();
        w.line("from chaos import Dependency, expect_answer, expect_error, timed_call");
        w.line("from support import env, text, unique  # noqa: F401");
        w.line();
        w.line("pytestmark = pytest.mark.chaos");
        for (var test : cases) {
            w.line();
            w.line();
            var usesToken = test.setup().stream().anyMatch(PytestGenerator::usesToken) || usesToken(test.call());
            var params = "api" + (usesToken ? ", token" : "");
            w.line("def test_" + test.name() + "(" + params + "):");
            w.indent();
            w.line(Literals.python(test.description()));
            var dep = test.dependency();
            w.line("with Dependency(" + x.string(dep.label()) + ", " + x.string(dep.envVar()) + ", "
                    + x.string(dep.target()) + ") as dependency:");
            w.indent()
                    .line("dependency.run(lambda: _" + test.name() + "(" + params + ", dependency))")
                    .dedent();
            w.dedent();
            w.line();
            w.line();
            w.line("def _" + test.name() + "(" + params + ", dependency):");
            w.indent();
            var strings = new HashSet<String>();
            for (var u : test.uniques()) {
                strings.add(u.var());
                w.line(x.var(u.var()) + " = unique(" + x.string(u.recorded()) + ")");
            }
            x.stringVars(strings);
            for (var step : test.setup()) {
                w.call("reply = dependency.setup(api.call", callArgs(x, step), ")", 100);
                expectations(w, x, step);
            }
            var fault = test.fault();
            w.line("dependency.inject(" + x.string(fault.specJson()) + ")");
            var within = String.format(java.util.Locale.ROOT, "%.1f", fault.withinMillis() / 1000.0);
            var args = callArgs(x, test.call());
            args.add("timeout=timeout");
            w.call("outcome = timed_call(" + within + ", lambda timeout: api.call", args, ")", 100);
            var endpoint = x.string(test.call().endpoint());
            if (fault.expectError()) {
                w.line("expect_error(dependency, " + endpoint + ", " + x.string(fault.phrase()) + ", " + within
                        + ", outcome)");
            } else {
                w.line("expect_answer(dependency, " + endpoint + ", " + x.string(fault.phrase()) + ", "
                        + test.call().status() + ", " + within + ", outcome)");
            }
            w.dedent();
        }
        return w.toString();
    }

    static boolean usesToken(Step step) {
        return step.headers().stream().anyMatch(h -> h.value().stream().anyMatch(v -> v instanceof Value.Token));
    }

    private static String conftest(TestPlan plan, Py x) {
        var w = new CodeWriter("    ");
        w.line("\"\"\"Fixtures: the HTTP client and the login token.\"\"\"");
        w.line();
        w.line("import pytest");
        w.line();
        w.line("from support import Api, env, text  # noqa: F401");
        w.line();
        w.line();
        w.line("@pytest.fixture(scope=\"session\")");
        w.line("def api():");
        w.indent().line("return Api()").dedent();
        if (plan.login() != null) {
            w.line();
            w.line();
            w.line("@pytest.fixture(scope=\"session\")");
            w.line("def token(api):");
            w.indent();
            w.line("\"\"\"Logs in once per run as recorded; the password comes from the environment.\"\"\"");
            x.stringVars(Set.of());
            step(w, x, plan.login().step());
            w.line("return text(" + x.var(TestPlan.Login.TOKEN_VAR) + ")");
            w.dedent();
        }
        return w.toString();
    }

    private static void step(CodeWriter w, Py x, Step step) {
        w.call("reply = api.call", callArgs(x, step), "", 100);
        expectations(w, x, step);
    }

    private static java.util.ArrayList<String> callArgs(Py x, Step step) {
        var args = new java.util.ArrayList<String>();
        args.add(x.string(step.endpoint()));
        args.add(x.string(step.method()));
        args.add(x.text(step.path()));
        if (!step.headers().isEmpty()) {
            var headers = new StringBuilder("headers={");
            var first = true;
            for (var h : step.headers()) {
                headers.append(first ? "" : ", ")
                        .append(x.string(h.name()))
                        .append(": ")
                        .append(x.text(h.value()));
                first = false;
            }
            args.add(headers.append("}").toString());
        }
        if (step.body() != null) {
            args.add("json_body=" + x.body(step.body()));
        } else if (step.rawBody() != null) {
            args.add("data=" + x.string(step.rawBody()));
        }
        return args;
    }

    private static void expectations(CodeWriter w, Py x, Step step) {
        w.line("reply.expect(" + step.status() + (step.mediaType() == null ? "" : ", " + x.string(step.mediaType()))
                + ")");
        for (var a : step.assertions()) {
            var path = "[" + String.join(", ", x.pathElements(a.path())) + "]";
            if (a instanceof Assertion.HasType t) {
                w.line("reply.has_type(" + path + ", "
                        + String.join(", ", t.types().stream().map(x::string).toList()) + ")");
            } else if (a instanceof Assertion.EqualsValue e) {
                w.line("reply.equals(" + path + ", " + x.jsonValue(e.expected()) + ")");
            } else if (a instanceof Assertion.EqualsText e) {
                w.line("reply.equals_text(" + path + ", " + x.text(e.expected()) + ")");
            } else if (a instanceof Assertion.OneOf o) {
                w.line("reply.one_of(" + path + ", "
                        + x.array(o.values().stream().map(x::json).toList()) + ")");
            } else if (a instanceof Assertion.HasFormat f) {
                w.line("reply.has_format(" + path + ", " + x.string(f.format()) + ")");
            }
        }
        for (var c : step.captures()) {
            if (c.header() != null) {
                w.line(x.var(c.var()) + " = reply.header(" + x.string(c.header()) + ")");
            } else {
                w.line(x.var(c.var()) + " = reply.value([" + String.join(", ", x.pathElements(c.path())) + "])");
            }
        }
    }

    static final class Py extends Expressions {
        @Override
        public String string(String s) {
            return Literals.python(s);
        }

        @Override
        public String nullLiteral() {
            return "None";
        }

        @Override
        public String bool(boolean b) {
            return b ? "True" : "False";
        }

        @Override
        public String array(List<String> elements) {
            return "[" + String.join(", ", elements) + "]";
        }

        @Override
        public String object(List<Map.Entry<String, String>> members) {
            var b = new StringBuilder("{");
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
            return TestPlanner.snake(name);
        }

        @Override
        public String varText(String name) {
            return "text(" + var(name) + ")";
        }

        @Override
        public String token() {
            return "token";
        }

        @Override
        public String env(String name) {
            return "env(" + string(name) + ")";
        }

        @Override
        public String concat(List<String> parts) {
            return String.join(" + ", parts);
        }
    }
}
