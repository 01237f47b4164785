package dev.chaostesting.codegen.java;

import com.fasterxml.jackson.databind.JsonNode;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.chaostesting.codegen.GenerationOptions;
import dev.chaostesting.codegen.TestGenerator;
import dev.chaostesting.codegen.internal.Literals;
import dev.chaostesting.codegen.internal.ProjectWriter;
import dev.chaostesting.codegen.internal.Readme;
import dev.chaostesting.codegen.plan.Assertion;
import dev.chaostesting.codegen.plan.Body;
import dev.chaostesting.codegen.plan.Step;
import dev.chaostesting.codegen.plan.TestPlan;
import dev.chaostesting.codegen.plan.TestPlanner;
import dev.chaostesting.codegen.plan.Value;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * JUnit 5 + {@code java.net.http} + AssertJ + Jackson, as a Maven project. Test classes are built with JavaPoet; the
 * two support classes ({@code Api}, {@code Reply}) are the same in every project and are copied.
 */
public final class JavaJUnitGenerator implements TestGenerator {
    /** The package of the generated tests. */
    public static final String PACKAGE = "apitests";

    private static final ClassName API = ClassName.get(PACKAGE, "Api");
    private static final ClassName REPLY = ClassName.get(PACKAGE, "Reply");
    private static final ClassName SESSION = ClassName.get(PACKAGE, "Session");
    private static final ClassName JSON_NODE = ClassName.get("com.fasterxml.jackson.databind", "JsonNode");
    private static final ClassName LIST = ClassName.get(List.class);
    private static final ClassName TEST = ClassName.get("org.junit.jupiter.api", "Test");
    private static final ClassName DISPLAY_NAME = ClassName.get("org.junit.jupiter.api", "DisplayName");

    @Override
    public String language() {
        return "java";
    }

    @Override
    public List<String> frameworks() {
        return List.of("junit5");
    }

    @Override
    public List<String> generate(TestPlan plan, GenerationOptions options) throws IOException {
        var out = new ProjectWriter(options.output());
        var dir = "src/test/java/" + PACKAGE.replace('.', '/') + "/";
        var baseUrl = Literals.java(plan.defaultBaseUrl());
        out.write(
                dir + "Api.java",
                ProjectWriter.resource(getClass(), "Api.java.txt", Map.of("PACKAGE", PACKAGE, "BASE_URL", baseUrl)));
        out.write(dir + "Reply.java", ProjectWriter.resource(getClass(), "Reply.java.txt", Map.of("PACKAGE", PACKAGE)));
        out.write(dir + "Session.java", javaFile(session(plan)));
        for (var suite : plan.suites()) {
            var type = TypeSpec.classBuilder(pascal(suite.name()) + "Test")
                    .addJavadoc("Tests of $L, generated from recorded traffic.", Literals.comment(suite.resource()))
                    .addModifiers(Modifier.FINAL);
            for (var test : suite.tests()) {
                var method = MethodSpec.methodBuilder(TestPlanner.camel(test.name()))
                        .addAnnotation(TEST)
                        .addAnnotation(com.palantir.javapoet.AnnotationSpec.builder(DISPLAY_NAME)
                                .addMember("value", "$L", Literals.java(test.name()))
                                .build())
                        .addJavadoc("$L", Literals.comment(test.description()));
                var strings = new HashSet<String>();
                for (var u : test.uniques()) {
                    strings.add(u.var());
                    method.addStatement("var $N = $T.unique($L)", u.var(), API, lit(u.recorded()));
                }
                var x = new Expr(strings);
                if (test.steps().stream().anyMatch(JavaJUnitGenerator::usesToken)) {
                    method.addStatement("var token = $T.token()", SESSION);
                }
                int i = 0;
                for (var step : test.steps()) {
                    step(method, x, step, "reply" + (test.steps().size() == 1 ? "" : String.valueOf(++i)));
                }
                type.addMethod(method.build());
            }
            out.write(dir + pascal(suite.name()) + "Test.java", javaFile(type.build()));
        }
        if (!plan.chaos().isEmpty()) {
            out.write(
                    dir + "Chaos.java",
                    ProjectWriter.resource(getClass(), "Chaos.java.txt", Map.of("PACKAGE", PACKAGE)));
            out.write(dir + "ChaosTest.java", javaFile(chaos(plan)));
        }
        out.write("pom.xml", pom(options));
        out.write(
                "README.md",
                Readme.render(
                        plan,
                        "Java tests (JUnit 5, java.net.http, AssertJ, Jackson)",
                        "mvn test",
                        "export",
                        "mvn test -Dgroups=chaos",
                        "mvn test -DexcludedGroups=chaos"));
        return out.written();
    }

    private static String javaFile(TypeSpec type) {
        return JavaFile.builder(PACKAGE, type)
                .indent("    ")
                .skipJavaLangImports(true)
                .build()
                .toString();
    }

    private static final ClassName CHAOS = ClassName.get(PACKAGE, "Chaos");

    private static TypeSpec chaos(TestPlan plan) {
        var type = TypeSpec.classBuilder("ChaosTest")
                .addJavadoc(
                        "Chaos tests: faults injected into a dependency through the control API ($L; $L leaves"
                                + " them out).",
                        "mvn test -Dgroups=chaos",
                        "-DexcludedGroups=chaos")
                .addModifiers(Modifier.FINAL)
                .addAnnotation(
                        com.palantir.javapoet.AnnotationSpec.builder(ClassName.get("org.junit.jupiter.api", "Tag"))
                                .addMember("value", "$S", "chaos")
                                .build())
                .addAnnotation(com.palantir.javapoet.AnnotationSpec.builder(
                                ClassName.get("org.junit.jupiter.api", "TestMethodOrder"))
                        .addMember(
                                "value",
                                "$T.class",
                                ClassName.get("org.junit.jupiter.api", "MethodOrderer", "OrderAnnotation"))
                        .build());
        int order = 0;
        for (var test : plan.chaos()) {
            var method = MethodSpec.methodBuilder(TestPlanner.camel(test.name()))
                    .addAnnotation(TEST)
                    .addAnnotation(com.palantir.javapoet.AnnotationSpec.builder(
                                    ClassName.get("org.junit.jupiter.api", "Order"))
                            .addMember("value", "$L", ++order)
                            .build())
                    .addAnnotation(com.palantir.javapoet.AnnotationSpec.builder(DISPLAY_NAME)
                            .addMember("value", "$L", Literals.java(test.name()))
                            .build())
                    .addJavadoc("$L", Literals.comment(test.description()))
                    .addException(Exception.class);
            var dep = test.dependency();
            method.beginControlFlow(
                    "try (var dependency = $T.intercept($L, $L, $L))",
                    CHAOS,
                    lit(dep.label()),
                    lit(dep.envVar()),
                    lit(dep.target()));
            method.addCode("dependency.run(() -> {\n$>");
            var strings = new HashSet<String>();
            for (var u : test.uniques()) {
                strings.add(u.var());
                method.addStatement("var $N = $T.unique($L)", u.var(), API, lit(u.recorded()));
            }
            var x = new Expr(strings);
            if (test.setup().stream().anyMatch(JavaJUnitGenerator::usesToken) || usesToken(test.call())) {
                method.addStatement("var token = $T.token()", SESSION);
            }
            int i = 0;
            for (var step : test.setup()) {
                step(method, x, step, "reply" + (++i), true);
            }
            var fault = test.fault();
            method.addStatement("dependency.inject($L)", lit(fault.specJson()));
            var within = String.format(java.util.Locale.ROOT, "%.1f", fault.withinMillis() / 1000.0);
            method.addStatement(
                    "var outcome = $T.timed($L, timeout ->$W$L)",
                    CHAOS,
                    within,
                    callBlock(x, test.call(), CodeBlock.of("timeout")));
            if (fault.expectError()) {
                method.addStatement(
                        "$T.expectError(dependency, $L, $L, $L, outcome)",
                        CHAOS,
                        lit(test.call().endpoint()),
                        lit(fault.phrase()),
                        within);
            } else {
                method.addStatement(
                        "$T.expectAnswer(dependency, $L, $L, $L, $L, outcome)",
                        CHAOS,
                        lit(test.call().endpoint()),
                        lit(fault.phrase()),
                        test.call().status(),
                        within);
            }
            method.addCode("$<});\n");
            method.endControlFlow();
            type.addMethod(method.build());
        }
        return type.build();
    }

    static boolean usesToken(Step step) {
        return step.headers().stream().anyMatch(h -> h.value().stream().anyMatch(v -> v instanceof Value.Token));
    }

    private static TypeSpec session(TestPlan plan) {
        var type = TypeSpec.classBuilder("Session")
                .addJavadoc("The login, replayed once per run as recorded; the password comes from the environment.")
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder()
                        .addModifiers(Modifier.PRIVATE)
                        .build())
                .addField(FieldSpec.builder(String.class, "cached", Modifier.PRIVATE, Modifier.STATIC)
                        .build());
        var token = MethodSpec.methodBuilder("token")
                .addJavadoc("The token of the recorded login, obtained once.")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.SYNCHRONIZED)
                .returns(String.class);
        if (plan.login() == null) {
            token.addStatement("throw new $T($L)", IllegalStateException.class, lit("the recording has no login"));
        } else {
            token.beginControlFlow("if (cached == null)");
            step(token, new Expr(Set.of()), plan.login().step(), "reply");
            token.addStatement("cached = $T.text($N)", API, TestPlan.Login.TOKEN_VAR);
            token.endControlFlow();
            token.addStatement("return cached");
        }
        return type.addMethod(token.build()).build();
    }

    private static void step(MethodSpec.Builder m, Expr x, Step step, String reply) {
        step(m, x, step, reply, false);
    }

    private static void step(MethodSpec.Builder m, Expr x, Step step, String reply, boolean setup) {
        if (setup) {
            m.addStatement("var $N = dependency.setup($L)", reply, callBlock(x, step, null));
        } else {
            m.addStatement("var $N = $L", reply, callBlock(x, step, null));
        }
        expectations(m, x, step, reply);
    }

    /** {@code Api.call(...)} or {@code Api.send(...)}, with a timeout when not null. */
    private static CodeBlock callBlock(Expr x, Step step, @org.jspecify.annotations.Nullable CodeBlock timeout) {
        var headers = new ArrayList<CodeBlock>();
        for (var h : step.headers()) {
            headers.add(lit(h.name()));
            headers.add(x.text(h.value()));
        }
        var headerBlock = CodeBlock.of("$T.headers($L)", API, CodeBlock.join(headers, ", "));
        var body = step.rawBody() != null
                ? lit(step.rawBody())
                : step.body() == null ? CodeBlock.of("null") : x.body(step.body());
        return CodeBlock.of(
                "$T.$L($L, $L, $L,$W$L,$W$L$L)",
                API,
                step.rawBody() != null ? "send" : "call",
                lit(step.endpoint()),
                lit(step.method()),
                x.text(step.path()),
                headerBlock,
                body,
                timeout == null ? CodeBlock.of("") : CodeBlock.of(", $L", timeout));
    }

    private static void expectations(MethodSpec.Builder m, Expr x, Step step, String reply) {
        var chain = CodeBlock.builder()
                .add(
                        "$N.expect($L, $L)",
                        reply,
                        step.status(),
                        step.mediaType() == null ? CodeBlock.of("null") : lit(step.mediaType()));
        for (var a : step.assertions()) {
            var path = x.path(a.path());
            if (a instanceof Assertion.HasType t) {
                var types = new ArrayList<CodeBlock>();
                t.types().forEach(s -> types.add(lit(s)));
                chain.add("\n.hasType($L, $L)", path, CodeBlock.join(types, ", "));
            } else if (a instanceof Assertion.EqualsValue e) {
                chain.add("\n.equalsValue($L, $L)", path, x.json(e.expected()));
            } else if (a instanceof Assertion.EqualsText e) {
                chain.add("\n.equalsText($L, $L)", path, x.text(List.of(e.expected())));
            } else if (a instanceof Assertion.OneOf o) {
                var values = new ArrayList<CodeBlock>();
                o.values().forEach(v -> values.add(x.literal(v)));
                chain.add("\n.oneOf($L, $T.array($L))", path, API, CodeBlock.join(values, ", "));
            } else if (a instanceof Assertion.HasFormat f) {
                chain.add("\n.hasFormat($L, $L)", path, lit(f.format()));
            }
        }
        m.addStatement(chain.build());
        for (var c : step.captures()) {
            if (c.header() != null) {
                m.addStatement("$T $N = $N.header($L)", JSON_NODE, c.var(), reply, lit(c.header()));
            } else {
                m.addStatement("$T $N = $N.value($L)", JSON_NODE, c.var(), reply, x.path(c.path()));
            }
        }
    }

    /** Java expressions as JavaPoet code blocks; strings always go through {@link #lit}. */
    private record Expr(Set<String> strings) {
        CodeBlock path(List<String> path) {
            var parts = new ArrayList<CodeBlock>();
            path.forEach(p -> parts.add(lit(p)));
            return CodeBlock.of("$T.of($L)", LIST, CodeBlock.join(parts, ", "));
        }

        CodeBlock text(List<Value> parts) {
            var blocks = new ArrayList<CodeBlock>();
            for (var v : parts) {
                if (v instanceof Value.Text t) {
                    blocks.add(lit(t.text()));
                } else if (v instanceof Value.Var var) {
                    blocks.add(
                            strings.contains(var.name())
                                    ? CodeBlock.of("$N", var.name())
                                    : CodeBlock.of("$T.text($N)", API, var.name()));
                } else if (v instanceof Value.Env e) {
                    blocks.add(CodeBlock.of("$T.env($L)", API, lit(e.name())));
                } else if (v instanceof Value.Token) {
                    blocks.add(CodeBlock.of("token"));
                } else {
                    var json = ((Value.Literal) v).json();
                    blocks.add(lit(json.isTextual() ? json.textValue() : json.toString()));
                }
            }
            return blocks.isEmpty() ? lit("") : CodeBlock.join(blocks, " + ");
        }

        CodeBlock json(Value v) {
            if (v instanceof Value.Literal l) {
                return literal(l.json());
            }
            if (v instanceof Value.Var var) {
                return CodeBlock.of("$N", var.name());
            }
            return text(List.of(v));
        }

        CodeBlock literal(JsonNode n) {
            if (n.isNull() || n.isMissingNode()) {
                return CodeBlock.of("null");
            }
            if (n.isBoolean()) {
                return CodeBlock.of("$L", n.booleanValue());
            }
            if (n.isInt()) {
                return CodeBlock.of("$L", n.intValue());
            }
            if (n.isLong()) {
                return CodeBlock.of("$LL", n.longValue());
            }
            if (n.isBigInteger()) {
                return CodeBlock.of(
                        "new $T($L)", BigInteger.class, lit(n.bigIntegerValue().toString()));
            }
            if (n.isNumber()) {
                return CodeBlock.of(
                        "new $T($L)", BigDecimal.class, lit(n.decimalValue().toString()));
            }
            if (n.isTextual()) {
                return lit(n.textValue());
            }
            if (n.isArray()) {
                var parts = new ArrayList<CodeBlock>();
                n.forEach(e -> parts.add(literal(e)));
                return CodeBlock.of("$T.array($L)", API, CodeBlock.join(parts, ", "));
            }
            var parts = new ArrayList<CodeBlock>();
            n.fields().forEachRemaining(e -> {
                parts.add(lit(e.getKey()));
                parts.add(literal(e.getValue()));
            });
            return CodeBlock.of("$T.object($L)", API, CodeBlock.join(parts, ", "));
        }

        CodeBlock body(Body body) {
            if (body instanceof Body.Leaf l) {
                return json(l.value());
            }
            var parts = new ArrayList<CodeBlock>();
            if (body instanceof Body.Arr a) {
                a.elements().forEach(e -> parts.add(body(e)));
                return CodeBlock.of("$T.array($L)", API, CodeBlock.join(parts, ", "));
            }
            ((Body.Obj) body).members().forEach((k, v) -> {
                parts.add(lit(k));
                parts.add(body(v));
            });
            return CodeBlock.of("$T.object($L)", API, CodeBlock.join(parts, ", "));
        }
    }

    /**
     * A string literal. Not JavaPoet's {@code $S}: it writes characters such as U+2028 as they are; this one is
     * printable ASCII.
     */
    static CodeBlock lit(String s) {
        return CodeBlock.of("$L", Literals.java(s));
    }

    static String pascal(String snake) {
        var camel = TestPlanner.camel(snake);
        return Character.toUpperCase(camel.charAt(0)) + camel.substring(1);
    }

    private static String pom(GenerationOptions options) {
        var artifact = options.projectName().replaceAll("[^A-Za-z0-9_.-]", "-");
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>apitests</groupId>
                  <artifactId>%s</artifactId>
                  <version>1.0.0</version>
                  <name>API tests generated by Chaos Testing</name>

                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>

                  <dependencies>
                    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.14.4</version><scope>test</scope></dependency>
                    <dependency><groupId>org.assertj</groupId><artifactId>assertj-core</artifactId><version>3.27.7</version><scope>test</scope></dependency>
                    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>2.22.4</version><scope>test</scope></dependency>
                  </dependencies>

                  <build>
                    <pluginManagement>
                      <plugins>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.15.0</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.6</version></plugin>
                      </plugins>
                    </pluginManagement>
                  </build>
                </project>
                """.formatted(artifact);
    }
}
