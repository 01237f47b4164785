package dev.chaostesting.protocols.kafka.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.model.Body;
import dev.chaostesting.spi.BodyCollector;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private static final Set<String> SECRET_FIELDS =
            Set.of("authbytes", "saltedpassword", "salt", "hmac", "tokenhmac", "password", "saslauthbytes");
    private static final Map<Class<?>, Method> CONVERTERS = new ConcurrentHashMap<>();

    private MessageTree() {}

    /**
     * The message's fields. Throws when kafka-clients has no converter for it, or ({@link LinkageError}) when Jackson,
     * which the converters use, is missing or relocated away from them.
     */
    public static Map<String, @Nullable Object> of(ApiMessage message, short version, int maxBodyBytes) {
        JsonNode node;
        try {
            var write = CONVERTERS.computeIfAbsent(message.getClass(), MessageTree::converter);
            node = (JsonNode) write.invoke(null, message, version, false);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        @SuppressWarnings("unchecked")
        var fields = (Map<String, @Nullable Object>) convert(node, null, maxBodyBytes);
        return fields;
    }

    private static Method converter(Class<?> messageClass) {
        try {
            return Class.forName(messageClass.getName() + "JsonConverter", true, messageClass.getClassLoader())
                    .getMethod("write", messageClass, short.class, boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no JSON converter for " + messageClass.getSimpleName(), e);
        }
    }

    private static @Nullable Object convert(JsonNode node, @Nullable String key, int maxBodyBytes) {
        if (node.isObject()) {
            var map = new LinkedHashMap<String, @Nullable Object>();
            boolean secretConfig = isSecretConfig(node);
            var names = node.fieldNames();
            while (names.hasNext()) {
                var name = names.next();
                var child = node.get(name);
                boolean secret = SECRET_FIELDS.contains(Lower.of(name))
                        || (secretConfig && (name.equals("value") || name.equals("configValue")));
                if (secret && !child.isNull()) {
                    map.put(name, REDACTED);
                } else if (child.isArray() && child.size() > MAX_LIST) {
                    var list = new ArrayList<@Nullable Object>(MAX_LIST);
                    for (int i = 0; i < MAX_LIST; i++) {
                        list.add(convert(child.get(i), name, maxBodyBytes));
                    }
                    map.put(name, list);
                    map.put(name + "Omitted", child.size() - MAX_LIST);
                } else {
                    map.put(name, convert(child, name, maxBodyBytes));
                }
            }
            return map;
        }
        if (node.isArray()) {
            var list = new ArrayList<@Nullable Object>(node.size());
            for (var child : node) {
                list.add(convert(child, key, maxBodyBytes));
            }
            return list;
        }
        if (node.isBinary()) {
            try {
                var collector = new BodyCollector(maxBodyBytes);
                var bytes = node.binaryValue();
                collector.append(bytes, 0, bytes.length);
                return collector.toBody();
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

    /** A configuration entry ({@code name} plus {@code value}) whose value must not be stored. */
    private static boolean isSecretConfig(JsonNode node) {
        var name = node.get("name");
        if (name == null || !name.isTextual() || (!node.has("value") && !node.has("configValue"))) {
            return false;
        }
        var n = Lower.of(name.asText());
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
