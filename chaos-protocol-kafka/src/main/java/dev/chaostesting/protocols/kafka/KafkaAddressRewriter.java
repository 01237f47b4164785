package dev.chaostesting.protocols.kafka;

import dev.chaostesting.protocols.kafka.internal.Frames;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites the broker addresses a response tells clients to connect to, so that clients keep talking through the
 * proxy instead of connecting straight to the advertised brokers. A pure function of a response frame and its request
 * header: the response is parsed with kafka-clients' message classes, each {@code host:port} is mapped, and the frame
 * is serialised again at the same version with the same correlation id; every other field is kept.
 *
 * <p>Responses that carry broker addresses ({@link #REWRITTEN_API_KEYS}): Metadata (brokers), FindCoordinator (the
 * coordinator, or coordinators from v4), DescribeCluster (brokers), and the leader hints of Produce (v10+), Fetch
 * (v16+), ShareFetch and ShareAcknowledge ({@code nodeEndpoints}). Frames are passed without their 4-byte length
 * prefix, as kafka-clients reads them, and returned the same way.
 */
public final class KafkaAddressRewriter {

    /** A broker's address as responses carry it. */
    public record HostPort(String host, int port) {
        public HostPort {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** The API keys whose responses may carry broker addresses: the proxy must hold and rewrite these. */
    public static final Set<ApiKeys> REWRITTEN_API_KEYS = Set.of(
            ApiKeys.METADATA,
            ApiKeys.FIND_COORDINATOR,
            ApiKeys.DESCRIBE_CLUSTER,
            ApiKeys.PRODUCE,
            ApiKeys.FETCH,
            ApiKeys.SHARE_FETCH,
            ApiKeys.SHARE_ACKNOWLEDGE);

    private final Function<HostPort, HostPort> mapping;

    private KafkaAddressRewriter(Function<HostPort, HostPort> mapping) {
        this.mapping = mapping;
    }

    /** Rewrites the addresses in {@code brokerToProxy}; others are kept. */
    public static KafkaAddressRewriter of(Map<HostPort, HostPort> brokerToProxy) {
        var copy = Map.copyOf(brokerToProxy);
        return new KafkaAddressRewriter(address -> copy.getOrDefault(address, address));
    }

    /**
     * Rewrites each address to what {@code mapping} returns (the address itself to keep it). The function may allocate
     * a new proxy listener for a broker it has not seen; it is called once per address in a response.
     */
    public static KafkaAddressRewriter using(Function<HostPort, HostPort> mapping) {
        return new KafkaAddressRewriter(Objects.requireNonNull(mapping, "mapping"));
    }

    /** Whether responses to this API key may carry broker addresses. */
    public static boolean rewrites(short apiKey) {
        return ApiKeys.hasId(apiKey) && REWRITTEN_API_KEYS.contains(ApiKeys.forId(apiKey));
    }

    /**
     * The response frame with its broker addresses rewritten; the same buffer (untouched) when there was nothing to
     * change or its API key carries no addresses.
     *
     * @param requestHeader the header of the request this frame answers (its API key and version say how to read it)
     * @param responseFrame a whole response frame without the length prefix; read from its position, not modified
     * @throws RuntimeException what kafka-clients throws for a frame it cannot parse
     */
    public ByteBuffer rewrite(RequestHeader requestHeader, ByteBuffer responseFrame) {
        if (!REWRITTEN_API_KEYS.contains(requestHeader.apiKey())) {
            return responseFrame;
        }
        var response = AbstractResponse.parseResponse(responseFrame.duplicate(), requestHeader);
        var data = response.data();
        if (!rewrite(data)) {
            return responseFrame;
        }
        return Frames.response(requestHeader, data);
    }

    private boolean rewrite(ApiMessage data) {
        boolean changed = false;
        if (data instanceof MetadataResponseData m) {
            for (var b : m.brokers()) {
                var to = map(b.host(), b.port());
                changed |= to != null && set(to, b::setHost, b::setPort);
            }
        } else if (data instanceof FindCoordinatorResponseData f) {
            if (f.host() != null && !f.host().isEmpty()) {
                var to = map(f.host(), f.port());
                changed |= to != null && set(to, f::setHost, f::setPort);
            }
            for (var c : f.coordinators()) {
                var to = map(c.host(), c.port());
                changed |= to != null && set(to, c::setHost, c::setPort);
            }
        } else if (data instanceof DescribeClusterResponseData d) {
            for (var b : d.brokers()) {
                var to = map(b.host(), b.port());
                changed |= to != null && set(to, b::setHost, b::setPort);
            }
        } else if (data instanceof ProduceResponseData p) {
            for (var e : p.nodeEndpoints()) {
                var to = map(e.host(), e.port());
                changed |= to != null && set(to, e::setHost, e::setPort);
            }
        } else if (data instanceof FetchResponseData f) {
            for (var e : f.nodeEndpoints()) {
                var to = map(e.host(), e.port());
                changed |= to != null && set(to, e::setHost, e::setPort);
            }
        } else if (data instanceof ShareFetchResponseData s) {
            for (var e : s.nodeEndpoints()) {
                var to = map(e.host(), e.port());
                changed |= to != null && set(to, e::setHost, e::setPort);
            }
        } else if (data instanceof ShareAcknowledgeResponseData s) {
            for (var e : s.nodeEndpoints()) {
                var to = map(e.host(), e.port());
                changed |= to != null && set(to, e::setHost, e::setPort);
            }
        }
        return changed;
    }

    /** The new address, or null when it stays. */
    private @Nullable HostPort map(String host, int port) {
        var from = new HostPort(host, port);
        var to = Objects.requireNonNull(mapping.apply(from), "mapping returned null for " + from);
        return to.equals(from) ? null : to;
    }

    private static boolean set(HostPort to, Function<String, ?> setHost, java.util.function.IntFunction<?> setPort) {
        setHost.apply(to.host());
        setPort.apply(to.port());
        return true;
    }
}
