package dev.chaostesting.learn;

import java.util.List;
import java.util.Objects;

/**
 * An outbound call the service made while handling requests of one endpoint.
 *
 * <p>An outbound interaction is attributed to the inbound requests whose time window (start to last response byte)
 * contains its start. When exactly one inbound request was in flight the attribution is certain; when several were,
 * each gets a share of {@code 1/n} and the call counts as ambiguous.
 *
 * @param protocol the outbound interaction's protocol ({@code postgresql}, {@code redis}, {@code kafka}, {@code
 *     http}...)
 * @param target the {@code dependency} attribute when recorded, else the server address
 * @param operation what was done, generalised: a SQL statement shape, {@code GET session:{id}}, {@code Produce
 *     orders}, {@code GET /users/{id}}
 * @param tables tables read or written (SQL), or topics (Kafka); empty otherwise
 * @param count calls attributed with certainty
 * @param ambiguous calls that happened while several requests were in flight
 * @param confidence the certain share of all attributions: {@code (count + sum of shares) / (count + ambiguous)}
 */
public record Dependency(
        String protocol,
        String target,
        String operation,
        List<String> tables,
        long count,
        long ambiguous,
        double confidence) {
    public Dependency {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(operation, "operation");
        tables = List.copyOf(tables);
    }
}
