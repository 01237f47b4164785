package dev.chaostesting.protocols.kafka.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.model.Body;
import dev.chaostesting.spi.BodyCollector;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * Any Kafka message as a tree of recorded fields, through the JSON converter kafka-clients generates next to every
 * message class ({@code XxxDataJsonConverter.write(data, version, false)}: record sets become their size). Secrets are
 * replaced by {@code <redacted>}: SASL tokens, SCRAM salts and salted passwords, delegation-token HMACs, and the values
 * of configuration entries whose names say they are passwords, secrets, keys or JAAS settings. Byte fields become
 * bodies cut to {@code maxBodyBytes}; lists keep their first {@link #MAX_LIST} elements.
 */
public final class MessageTree {

    public static final String REDACTED = "<redacted>";
    static final int MAX_LIST = 1000;

    private static final Map<Class<?>, Method> CONVERTERS = new ConcurrentHashMap<>();

    private MessageTree() {}

    /**
     * The message's fields. Throws when kafka-clients has no converter for it, or ({@link LinkageError}) when Jackson,
     * which the converters use, is missing or relocated away from them (Produce trees are built without them).
     */
    public static Map<String, @Nullable Object> of(ApiMessage message, short version, int maxBodyBytes) {
        return of(message, version, maxBodyBytes, new IdTexts());
    }

    /** {@link #of(ApiMessage, short, int)}, topic ids written through the connection's {@code ids}. */
    static Map<String, @Nullable Object> of(ApiMessage message, short version, int maxBodyBytes, IdTexts ids) {
        var tree = message instanceof ProduceRequestData produce
                ? ProduceTrees.request(produce, version, ids)
                : message instanceof ProduceResponseData produced
                        ? ProduceTrees.response(produced, version, ids)
                        : null;
        if (tree != null) {
            return tree;
        }
        return viaJson(message, version, maxBodyBytes);
    }

    /** The tree through the message's JSON converter: any message ({@link #of} builds Produce trees directly). */
    static Map<String, @Nullable Object> viaJson(ApiMessage message, short version, int maxBodyBytes) {
        @SuppressWarnings("unchecked")
        var fields = (Map<String, @Nullable Object>) convert(json(message, version), maxBodyBytes);
        return fields;
    }

    /** The message as kafka-clients' JSON converter writes it, record sets as their size. */
    static JsonNode json(ApiMessage message, short version) {
        try {
            var write = CONVERTERS.computeIfAbsent(message.getClass(), MessageTree::converter);
            return (JsonNode) write.invoke(null, message, version, false);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static Method converter(Class<?> messageClass) {
        try {
            return Class.forName(messageClass.getName() + "JsonConverter", true, messageClass.getClassLoader())
                    .getMethod("write", messageClass, short.class, boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no JSON converter for " + messageClass.getSimpleName(), e);
        }
    }

    private static @Nullable Object convert(JsonNode node, int maxBodyBytes) {
        if (node.isObject()) {
            var map = object(node, false, maxBodyBytes);
            // Redacting configuration values needs the whole entry: only an entry with both names is looked at again.
            if ((map.classes() & Keys.NAME) != 0 && (map.classes() & Keys.CONFIG_VALUE) != 0 && isSecretConfig(node)) {
                map = object(node, true, maxBodyBytes);
            }
            return map;
        }
        if (node.isArray()) {
            var list = new ArrayList<@Nullable Object>(node.size());
            for (var child : node) {
                list.add(convert(child, maxBodyBytes));
            }
            return list;
        }
        if (node.isBinary()) {
            try {
                var bytes = node.binaryValue();
                return body(bytes, 0, bytes.length, maxBodyBytes);
            } catch (IOException e) {
                return Body.empty();
            }
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.asText();
    }

    private static FieldMap object(JsonNode node, boolean secretConfig, int maxBodyBytes) {
        var map = new FieldMap.Builder(node.size());
        for (var property : node.properties()) {
            var name = property.getKey();
            var child = property.getValue();
            int classes = Keys.of(name);
            boolean secret = (classes & Keys.SECRET) != 0 || (secretConfig && (classes & Keys.CONFIG_VALUE) != 0);
            if (secret && !child.isNull()) {
                map.putNew(name, classes, REDACTED);
            } else if (child.isArray() && child.size() > MAX_LIST) {
                var list = new ArrayList<@Nullable Object>(MAX_LIST);
                for (int i = 0; i < MAX_LIST; i++) {
                    list.add(convert(child.get(i), maxBodyBytes));
                }
                map.putNew(name, classes, list);
                map.put(name + "Omitted", child.size() - MAX_LIST);
            } else {
                map.putNew(name, classes, convert(child, maxBodyBytes));
            }
        }
        return map.build();
    }

    /**
     * Bytes as a recorded body, the first {@code maxBodyBytes} kept (what a {@link BodyCollector} of that limit gives
     * for them, without its copies).
     */
    static Body body(byte[] bytes, int offset, int length, int maxBodyBytes) {
        if (length == 0) {
            return Body.empty();
        }
        int kept = Math.min(length, maxBodyBytes);
        // Body copies the array it is given.
        var recorded = offset == 0 && kept == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + kept);
        return new Body(recorded, length, kept < length, null);
    }

    /** A configuration entry ({@code name} plus {@code value}) whose value must not be stored. */
    private static boolean isSecretConfig(JsonNode node) {
        var name = node.get("name");
        if (name == null || !name.isTextual() || (!node.has("value") && !node.has("configValue"))) {
            return false;
        }
        var n = name.asText().toLowerCase(Locale.ROOT);
        return n.contains("password")
                || n.contains("secret")
                || n.contains("jaas")
                || n.contains("credential")
                || n.endsWith(".key")
                || n.contains("token");
    }

    /** Lists of a tree (for walkers): the value as a list, or an empty one. */
    static List<?> list(@Nullable Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
