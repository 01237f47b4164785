package dev.chaostesting.codegen.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.codegen.plan.Body;
import dev.chaostesting.codegen.plan.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one text-based language writes values: literals, variables, the token, environment variables. Generators
 * subclass it and build their statements from these expressions.
 */
public abstract class Expressions {
    /** Variables of the current test that hold strings (unique values), which need no text conversion. */
    protected Set<String> stringVars = Set.of();

    public void stringVars(Set<String> vars) {
        this.stringVars = vars;
    }

    public abstract String string(String s);

    public abstract String nullLiteral();

    public abstract String bool(boolean b);

    public String number(JsonNode n) {
        return n.asText();
    }

    public abstract String array(List<String> elements);

    /** An object literal from member names (raw) and value expressions. */
    public abstract String object(List<Map.Entry<String, String>> members);

    /** A variable's name in the language. */
    public abstract String var(String name);

    /** The text form of a variable (for a path or header). */
    public abstract String varText(String name);

    /** The token, as text. */
    public abstract String token();

    /** A required environment variable, as text. */
    public abstract String env(String name);

    /** Text expressions concatenated. */
    public abstract String concat(List<String> parts);

    /** A JSON value as a native literal. */
    public String json(JsonNode n) {
        if (n.isNull() || n.isMissingNode()) {
            return nullLiteral();
        }
        if (n.isBoolean()) {
            return bool(n.booleanValue());
        }
        if (n.isNumber()) {
            return number(n);
        }
        if (n.isTextual()) {
            return string(n.textValue());
        }
        if (n.isArray()) {
            var list = new ArrayList<String>();
            n.forEach(e -> list.add(json(e)));
            return array(list);
        }
        var members = new ArrayList<Map.Entry<String, String>>();
        n.fields().forEachRemaining(e -> members.add(Map.entry(e.getKey(), json(e.getValue()))));
        return object(members);
    }

    /** A value in a JSON position (a body member, an expected value). */
    public String jsonValue(Value v) {
        if (v instanceof Value.Literal l) {
            return json(l.json());
        }
        if (v instanceof Value.Text t) {
            return string(t.text());
        }
        if (v instanceof Value.Var var) {
            return var(var.name());
        }
        if (v instanceof Value.Env e) {
            return env(e.name());
        }
        return token();
    }

    /** A value in a text position (path, header). */
    public String text(Value v) {
        if (v instanceof Value.Text t) {
            return string(t.text());
        }
        if (v instanceof Value.Var var) {
            return stringVars.contains(var.name()) ? var(var.name()) : varText(var.name());
        }
        if (v instanceof Value.Env e) {
            return env(e.name());
        }
        if (v instanceof Value.Token) {
            return token();
        }
        var json = ((Value.Literal) v).json();
        return string(json.isTextual() ? json.textValue() : json.toString());
    }

    public String text(List<Value> parts) {
        var list = new ArrayList<String>();
        for (var p : parts) {
            list.add(text(p));
        }
        return list.isEmpty() ? string("") : concat(list);
    }

    public String body(Body body) {
        if (body instanceof Body.Leaf l) {
            return jsonValue(l.value());
        }
        if (body instanceof Body.Arr a) {
            var list = new ArrayList<String>();
            a.elements().forEach(e -> list.add(body(e)));
            return array(list);
        }
        var members = new ArrayList<Map.Entry<String, String>>();
        ((Body.Obj) body).members().forEach((k, v) -> members.add(Map.entry(k, body(v))));
        return object(members);
    }

    /** A member path as a list of string literals. */
    public List<String> pathElements(List<String> path) {
        var list = new ArrayList<String>();
        path.forEach(p -> list.add(string(p)));
        return list;
    }
}
