package dev.chaostesting.learn;

import java.util.List;
import java.util.Objects;

/**
 * A response value a test must not compare literally, and why.
 *
 * @param location where the value is: {@code body:$.id}, {@code body:$.items[].createdAt}, {@code header:Date}
 * @param reasons why it is dynamic, e.g. {@code format:date-time}, {@code differs-for-equal-requests}, {@code
 *     server-generated-id}, {@code token}, {@code header:date}, {@code request-id} (see docs/learning.md for the list)
 */
public record DynamicField(String location, List<String> reasons) {
    public DynamicField {
        Objects.requireNonNull(location, "location");
        reasons = List.copyOf(reasons);
    }
}
