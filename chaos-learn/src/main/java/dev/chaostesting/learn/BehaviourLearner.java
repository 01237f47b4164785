package dev.chaostesting.learn;

import dev.chaostesting.learn.internal.Learning;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Learns a {@link BehaviourModel} from recorded interactions.
 *
 * <pre>{@code
 * BehaviourModel model = BehaviourLearner.create().learn(Recording.open(dir));
 * ModelJson.write(model, Path.of("model.json"));
 * }</pre>
 *
 * <p>Reads the interactions twice (once to decide the path templates, once to learn); a recording is streamed both
 * times, so memory does not grow with its size beyond the bounded per-endpoint statistics. Immutable: {@link
 * #withSpec} returns a new learner.
 */
public final class BehaviourLearner {
    private final @Nullable ApiSpec spec;

    private BehaviourLearner(@Nullable ApiSpec spec) {
        this.spec = spec;
    }

    public static BehaviourLearner create() {
        return new BehaviourLearner(null);
    }

    /** A learner that uses the path templates and operationIds of a user's OpenAPI document. */
    public BehaviourLearner withSpec(ApiSpec spec) {
        return new BehaviourLearner(Objects.requireNonNull(spec, "spec"));
    }

    /** Learns from a recording on disk, streaming it. */
    public BehaviourModel learn(Recording recording) {
        return learning()
                .learn(
                        () -> new ClosingIterator(recording.stream()),
                        recording.directory().toString(),
                        generatedBy());
    }

    /** Learns from interactions in memory, in recording order. */
    public BehaviourModel learn(Collection<Interaction> interactions) {
        var copy = List.copyOf(interactions);
        return learning().learn(copy::iterator, "memory", generatedBy());
    }

    private Learning learning() {
        var declared = new ArrayList<Learning.Declared>();
        if (spec != null) {
            for (var op : spec.operations()) {
                declared.add(new Learning.Declared(op.method(), op.path(), op.operationId()));
            }
        }
        return new Learning(declared);
    }

    private static String generatedBy() {
        var version = BehaviourLearner.class.getPackage().getImplementationVersion();
        return "chaos-testing " + (version == null ? "dev" : version);
    }

    /** Iterates a stream and closes it when exhausted, so a recording's files are released after each pass. */
    private static final class ClosingIterator implements Iterator<Interaction> {
        private final Stream<Interaction> stream;
        private final Iterator<Interaction> iterator;
        private boolean closed;

        ClosingIterator(Stream<Interaction> stream) {
            this.stream = stream;
            this.iterator = stream.iterator();
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            if (iterator.hasNext()) {
                return true;
            }
            stream.close();
            closed = true;
            return false;
        }

        @Override
        public Interaction next() {
            return iterator.next();
        }
    }
}
