package dev.chaostesting.codegen.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A JSON request body whose leaves may be variables: what a generator renders as a native literal. */
public sealed interface Body {
    /** A JSON object, members in order. */
    record Obj(Map<String, Body> members) implements Body {
        public Obj {
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    /** A JSON array. */
    record Arr(List<Body> elements) implements Body {
        public Arr {
            elements = List.copyOf(elements);
        }
    }

    /** A leaf: a JSON scalar ({@link Value.Literal}), a variable, the token, or an environment variable. */
    record Leaf(Value value) implements Body {
        public Leaf {
            Objects.requireNonNull(value, "value");
        }
    }
}
