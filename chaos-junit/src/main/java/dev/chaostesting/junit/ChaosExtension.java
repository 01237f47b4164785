package dev.chaostesting.junit;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.junit.internal.FaultAnnotations;
import dev.chaostesting.junit.internal.InterceptSpecs;
import dev.chaostesting.junit.internal.InterceptSpecs.Spec;
import dev.chaostesting.junit.internal.Scope;
import dev.chaostesting.junit.internal.TestRecording;
import dev.chaostesting.recording.LiveRecording;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit Jupiter extension: starts interceptors before a test class or method and closes them after it, injects and
 * removes faults, and resolves {@link RunningInterceptor}, {@link LiveRecording} and {@link Chaos} parameters.
 *
 * <p>Declarative: {@link ChaosTest} (or {@code @ExtendWith(ChaosExtension.class)}) with {@link Intercept}.
 * Programmatic, for configurations an annotation cannot express:
 *
 * <pre>{@code
 * @RegisterExtension
 * static ChaosExtension chaos = ChaosExtension.intercept("db", Interceptor.onPort(5432).record());
 * }</pre>
 *
 * <p>A {@code static} field's interceptors live for the whole class, an instance field's for each test. Either way
 * {@link #interceptor(String)} reaches the running interceptor from the test.
 *
 * <p>Faults declared by annotation are injected just before the test body and removed right after it; faults a test
 * injects through the API are removed then too, so each test starts with the interceptor's configured faults only.
 * Transparent interceptors that cannot start here (no nftables, no privileges, no epoll) abort the tests with the
 * interceptor's own one-line reason: they are reported as skipped, not failed.
 */
public final class ChaosExtension
        implements BeforeAllCallback,
                AfterAllCallback,
                BeforeEachCallback,
                BeforeTestExecutionCallback,
                AfterTestExecutionCallback,
                AfterEachCallback,
                ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChaosExtension.class);
    private static final String OWNER = "owner";

    private final List<Spec> programmatic;
    private final Map<String, RunningInterceptor> current = new ConcurrentHashMap<>();

    /** For {@code @ExtendWith(ChaosExtension.class)}: the interceptors come from {@link Intercept} annotations. */
    public ChaosExtension() {
        this(List.of());
    }

    private ChaosExtension(List<Spec> programmatic) {
        this.programmatic = List.copyOf(programmatic);
    }

    /** An extension starting this interceptor, named after its target port. */
    public static ChaosExtension intercept(Interceptor config) {
        return intercept(Integer.toString(config.target().getPort()), config);
    }

    /** An extension starting this interceptor under this name. */
    public static ChaosExtension intercept(String name, Interceptor config) {
        return new ChaosExtension(List.of()).and(name, config);
    }

    /** A copy that also starts this interceptor under this name. */
    public ChaosExtension and(String name, Interceptor config) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        var specs = new ArrayList<>(programmatic);
        if (specs.stream().anyMatch(s -> s.name().equals(name))) {
            throw new IllegalArgumentException("name: " + name + " (already used by another interceptor)");
        }
        specs.add(new Spec(name, config, false, "ChaosExtension.intercept(\"" + name + "\", ...)"));
        return new ChaosExtension(specs);
    }

    /** The only interceptor this extension started, while it runs. */
    public RunningInterceptor interceptor() {
        if (programmatic.size() != 1) {
            throw new IllegalStateException("this extension has " + programmatic.size() + " interceptors: name one");
        }
        return interceptor(programmatic.get(0).name());
    }

    /** The interceptor this extension started under this name, while it runs. */
    public RunningInterceptor interceptor(String name) {
        var running = current.get(name);
        if (running == null) {
            throw new IllegalStateException("interceptor " + name + " is not running (started before all tests for a"
                    + " static field, before each test for an instance field)");
        }
        return running;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        var scope = scope(context);
        if (isOwner(context)) {
            var testClass = context.getRequiredTestClass();
            start(context, scope, InterceptSpecs.read(testClass, testClass, lookup(context)));
        }
        // A @Nested class sees the interceptors its enclosing class started.
        if (!startedAbove(context)) {
            start(context, scope, programmatic);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        var scope = scope(context);
        if (isOwner(context)) {
            var method = context.getRequiredTestMethod();
            start(context, scope, InterceptSpecs.read(method, context.getRequiredTestClass(), lookup(context)));
        }
        // An instance field's extension never saw beforeAll: its interceptors live for this test.
        if (!programmatic.isEmpty() && !startedAbove(context)) {
            start(context, scope, programmatic);
        }
        if (isOwner(context)) {
            var views = new LinkedHashMap<String, LiveRecording>();
            for (var r : visible(context)) {
                if (r.interceptor().config().recording()) {
                    views.put(
                            r.name(), TestRecording.startingNow(r.interceptor().recording()));
                }
            }
            context.getStore(NAMESPACE).put(recordingsKey(context), views);
        }
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        if (!isOwner(context)) {
            return;
        }
        var planned = new ArrayList<FaultAnnotations.Planned>(FaultAnnotations.read(context.getRequiredTestClass()));
        planned.addAll(FaultAnnotations.read(context.getRequiredTestMethod()));
        var running = visible(context);
        for (var p : planned) {
            var targets = running.stream()
                    .filter(r -> p.on().isEmpty() || r.name().equals(p.on()))
                    .toList();
            if (targets.isEmpty()) {
                var list = running.isEmpty() ? "none" : String.join(", ", names(running));
                throw new ExtensionConfigurationException(p.source()
                        + (p.on().isEmpty() ? "" : "(on = \"" + p.on() + "\")")
                        + " on " + FaultAnnotations.describe(context.getRequiredTestMethod())
                        + ": no interceptor " + (p.on().isEmpty() ? "is running" : "named " + p.on())
                        + " (running: " + list + ")");
            }
            targets.forEach(r -> r.interceptor().inject(p.fault()));
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (isOwner(context)) {
            visible(context).forEach(ChaosExtension::restoreFaults);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            closeScope(context);
        } finally {
            if (isOwner(context)) {
                visible(context).forEach(ChaosExtension::restoreFaults);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeScope(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        var type = parameter.getParameter().getType();
        return (type == RunningInterceptor.class || type == LiveRecording.class || type == Chaos.class)
                && isOwner(context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        var type = parameter.getParameter().getType();
        var chaos = chaos(context);
        var named = parameter.findAnnotation(On.class).map(On::value);
        try {
            if (type == Chaos.class) {
                return chaos;
            }
            if (type == RunningInterceptor.class) {
                return named.isPresent() ? chaos.interceptor(named.get()) : chaos.interceptor();
            }
            return named.isPresent() ? chaos.recording(named.get()) : chaos.recording();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterResolutionException(
                    "cannot inject " + type.getSimpleName() + " "
                            + parameter.getParameter().getName() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The handle of the interceptors visible from this context, with recordings of the current test. */
    private static Chaos chaos(ExtensionContext context) {
        var interceptors = new LinkedHashMap<String, RunningInterceptor>();
        var recordings = new LinkedHashMap<String, LiveRecording>();
        @SuppressWarnings("unchecked")
        var views = context.getTestMethod().isPresent()
                ? (Map<String, LiveRecording>) context.getStore(NAMESPACE).get(recordingsKey(context), Map.class)
                : null;
        for (var r : visible(context)) {
            interceptors.put(r.name(), r.interceptor());
            if (r.interceptor().config().recording()) {
                var view = views == null ? null : views.get(r.name());
                recordings.put(r.name(), view != null ? view : r.interceptor().recording());
            }
        }
        return new Chaos(interceptors, recordings);
    }

    private void start(ExtensionContext context, Scope scope, List<Spec> specs) {
        var visible = names(visible(context));
        for (var spec : specs) {
            if (scope.contains(spec.name()) || visible.contains(spec.name())) {
                throw new ExtensionConfigurationException(
                        spec.origin() + ": the name " + spec.name() + " is already used by another interceptor");
            }
            RunningInterceptor running;
            try {
                running = spec.config().start();
            } catch (IOException e) {
                var reason = "interceptor " + spec.name() + ": " + e.getMessage();
                if (spec.transparent() || spec.config().transparentMode()) {
                    throw new TestAbortedException(reason, e);
                }
                throw new UncheckedIOException("cannot start " + reason, e);
            }
            scope.add(new Scope.Running(spec.name(), running, running.faults()));
            if (programmatic.contains(spec)) {
                current.put(spec.name(), running);
            }
        }
    }

    private static void restoreFaults(Scope.Running r) {
        var interceptor = r.interceptor();
        if (!interceptor.faults().equals(r.baseline())) {
            interceptor.clearFaults();
            r.baseline().forEach(interceptor::inject);
        }
    }

    private void closeScope(ExtensionContext context) {
        var store = context.getStore(NAMESPACE);
        var scope = store.remove(scopeKey(context), Scope.class);
        if (scope != null) {
            scope.all().forEach(r -> current.remove(r.name(), r.interceptor()));
            scope.close();
        }
    }

    /** Whether this instance handles annotations and parameters here: the first instance seen for the test class. */
    private boolean isOwner(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(OWNER, k -> this) == this;
    }

    private boolean startedAbove(ExtensionContext context) {
        return context.getParent()
                .map(p -> visible(p).stream()
                        .anyMatch(r -> programmatic.stream()
                                .anyMatch(s -> s.name().equals(r.name()) && current.get(r.name()) == r.interceptor())))
                .orElse(false);
    }

    private static Scope scope(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(scopeKey(context), k -> new Scope(), Scope.class);
    }

    /** The interceptors of this context and the ones enclosing it (class, outer classes), outermost first. */
    private static List<Scope.Running> visible(ExtensionContext context) {
        var chain = new ArrayList<ExtensionContext>();
        for (var c = context; c != null; c = c.getParent().orElse(null)) {
            chain.add(0, c);
        }
        var out = new ArrayList<Scope.Running>();
        for (var c : chain) {
            var scope = c.getStore(NAMESPACE).get(scopeKey(c), Scope.class);
            if (scope != null) {
                out.addAll(scope.all());
            }
        }
        return out;
    }

    private static List<String> names(List<Scope.Running> running) {
        return running.stream().map(Scope.Running::name).toList();
    }

    private static String scopeKey(ExtensionContext context) {
        return "scope:" + context.getUniqueId();
    }

    private static String recordingsKey(ExtensionContext context) {
        return "recordings:" + context.getUniqueId();
    }

    private static java.util.function.Function<String, String> lookup(ExtensionContext context) {
        return name -> context.getConfigurationParameter(name).orElseGet(() -> System.getProperty(name));
    }
}
