package dev.chaostesting.learn;

import java.util.List;
import java.util.Objects;

/**
 * The observed life of one kind of resource: the requests that touched the same instance (the same id in the path),
 * starting with the response that produced the id when the recording shows one.
 *
 * @param resource the path template of one instance, e.g. {@code /api/books/{bookId}}
 * @param parameter the path parameter that identifies the instance, e.g. {@code bookId}
 * @param instances how many distinct instances were followed
 * @param sequences the distinct step sequences seen (consecutive repeats of a step collapsed), most frequent first
 * @param transitions every observed step-to-step move with its count, most frequent first
 * @param readBacks values a write sent that the next read of the same instance returned, every time it was seen
 */
public record Scenario(
        String resource,
        String parameter,
        long instances,
        List<Sequence> sequences,
        List<Transition> transitions,
        List<ReadBack> readBacks) {
    public Scenario {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(parameter, "parameter");
        sequences = List.copyOf(sequences);
        transitions = List.copyOf(transitions);
        readBacks = List.copyOf(readBacks);
    }

    /**
     * A value a write stored: after {@code write} (the create, or a PUT/PATCH of the instance) sent it at {@code
     * location}, the next successful {@code read} of the instance returned it at {@code readLocation}. Only reported
     * when it never read back differently.
     *
     * @param write the writing endpoint key, e.g. {@code PUT /api/books/{bookId}}
     * @param location where in the write's request body, e.g. {@code body:$.year}
     * @param read the reading endpoint key, e.g. {@code GET /api/books/{bookId}}
     * @param readLocation where in the read's response body
     * @param count how many times it read back equal
     */
    public record ReadBack(String write, String location, String read, String readLocation, long count) {
        public ReadBack {
            Objects.requireNonNull(write, "write");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(read, "read");
            Objects.requireNonNull(readLocation, "readLocation");
        }
    }

    /**
     * One request on the instance.
     *
     * @param endpoint the endpoint key, e.g. {@code DELETE /api/books/{bookId}}
     * @param status the status it got
     */
    public record Step(String endpoint, int status) {
        public Step {
            Objects.requireNonNull(endpoint, "endpoint");
        }

        @Override
        public String toString() {
            return endpoint + " -> " + status;
        }
    }

    /** A sequence of steps some instances went through, and how many. */
    public record Sequence(List<Step> steps, long count) {
        public Sequence {
            steps = List.copyOf(steps);
        }
    }

    /** One move from a step to the next on the same instance, and how often it was seen. */
    public record Transition(Step from, Step to, long count) {
        public Transition {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }
}
