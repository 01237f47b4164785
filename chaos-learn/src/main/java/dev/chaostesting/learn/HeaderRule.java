package dev.chaostesting.learn;

import java.util.List;
import java.util.Objects;

/**
 * A header that matters for an endpoint (noise such as {@code User-Agent} or {@code Content-Length} is left out).
 *
 * @param name the header name in lower case
 * @param required for requests: sent with every request that succeeded (2xx), or with every request when none did; for
 *     responses: present in every response of that status
 * @param values the distinct values seen when there were at most five and they are not dynamic; for {@code
 *     Authorization} only the scheme ({@code Bearer}); empty otherwise
 */
public record HeaderRule(String name, boolean required, List<String> values) {
    public HeaderRule {
        Objects.requireNonNull(name, "name");
        values = List.copyOf(values);
    }
}
