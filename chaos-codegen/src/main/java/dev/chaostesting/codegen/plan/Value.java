package dev.chaostesting.codegen.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** A value in a request: a literal, a variable of the test, the login token, or an environment variable. */
public sealed interface Value {
    /** A literal string. */
    record Text(String text) implements Value {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A literal JSON value (scalar, array or object with no holes). */
    record Literal(JsonNode json) implements Value {
        public Literal {
            Objects.requireNonNull(json, "json");
        }
    }

    /**
     * A variable of the test: a captured JSON value or a unique string. In text (a path, a header) it stands for its
     * text form: a string as it is, a number as its digits.
     */
    record Var(String name) implements Value {
        public Var {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The token obtained by the login, as text. */
    record Token() implements Value {}

    /** A required environment variable, as text. */
    record Env(String name) implements Value {
        public Env {
            Objects.requireNonNull(name, "name");
        }
    }
}
