package dev.chaostesting.junit;

import dev.chaostesting.junit.internal.Describe;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** Assertions on the interactions of a recording; made by {@link ChaosAssertions}. */
public final class RecordingAssert extends AbstractAssert<RecordingAssert, List<Interaction>> {

    private final String what;

    RecordingAssert(List<Interaction> interactions, String what) {
        super(List.copyOf(interactions), RecordingAssert.class);
        this.what = what;
    }

    /** Exactly {@code expected} interactions. */
    public RecordingAssert hasInteractions(int expected) {
        if (actual.size() != expected) {
            failWithMessage(
                    "Expecting %s to hold %d interactions but it holds %d:%n%s",
                    what, expected, actual.size(), Describe.lines(actual));
        }
        return this;
    }

    /** At least {@code expected} interactions. */
    public RecordingAssert hasAtLeastInteractions(int expected) {
        if (actual.size() < expected) {
            failWithMessage(
                    "Expecting %s to hold at least %d interactions but it holds %d:%n%s",
                    what, expected, actual.size(), Describe.lines(actual));
        }
        return this;
    }

    /** No interaction at all. */
    public RecordingAssert isEmpty() {
        return hasInteractions(0);
    }

    /** No interaction ended with an error (a reset, a target that could not be reached, a cut message...). */
    public RecordingAssert noErrors() {
        var failed = actual.stream().filter(i -> i.error() != null).toList();
        if (!failed.isEmpty()) {
            failWithMessage(
                    "Expecting no interaction of %s to have an error but %d had one:%n%s",
                    what, failed.size(), Describe.lines(failed));
        }
        return this;
    }

    /** At least one interaction has an error containing {@code text}. */
    public RecordingAssert hasErrorContaining(String text) {
        Objects.requireNonNull(text, "text");
        if (actual.stream().noneMatch(i -> i.error() != null && i.error().contains(text))) {
            failWithMessage(
                    "Expecting an interaction of %s with an error containing \"%s\" but there is none:%n%s",
                    what, text, Describe.lines(actual));
        }
        return this;
    }

    /** Continues with the interactions of one protocol ({@code http}, {@code postgresql}, {@code tcp}...). */
    public RecordingAssert protocol(String name) {
        var subset = actual.stream().filter(i -> i.protocol().equals(name)).toList();
        return new RecordingAssert(subset, "the " + name + " interactions of " + what);
    }

    /** Continues with the interactions of one direction. */
    public RecordingAssert direction(Direction direction) {
        var subset = actual.stream().filter(i -> i.direction() == direction).toList();
        return new RecordingAssert(subset, "the " + direction.wireName() + " interactions of " + what);
    }

    /** Continues with the HTTP exchanges. */
    public HttpRequestsAssert httpRequests() {
        var http = actual.stream().filter(i -> i.httpRequest() != null).toList();
        return new HttpRequestsAssert(http, "the HTTP requests of " + what);
    }

    /** The SQL texts sent (the {@code request.sql} field of PostgreSQL and MySQL interactions), in order. */
    public ListAssert<String> sqlStatements() {
        var sql = new ArrayList<String>();
        for (var value : requestValues("sql")) {
            sql.add(String.valueOf(value));
        }
        return Assertions.assertThat(sql).as("SQL statements of %s", what);
    }

    /** The values of one field of the structured requests (e.g. {@code command} for Redis), in order, nulls left out. */
    public ListAssert<Object> requestField(String name) {
        return Assertions.assertThat(requestValues(name)).as("request.%s of %s", name, what);
    }

    /** The interactions, for AssertJ's list assertions ({@code filteredOn}, {@code extracting}, ...). */
    public ListAssert<Interaction> interactions() {
        return Assertions.assertThat(actual).as("interactions of %s", what);
    }

    private List<Object> requestValues(String field) {
        var out = new ArrayList<Object>();
        for (var i : actual) {
            if (i.request() instanceof StructuredMessage m && m.get(field) != null) {
                out.add(m.get(field));
            }
        }
        return out;
    }
}
