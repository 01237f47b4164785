package dev.chaostesting.internal.observe;

import dev.chaostesting.spi.ProtocolCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/** The protocol codecs found on the class path, in ServiceLoader order. Immutable. */
public final class Codecs {

    /** The name under which undecoded traffic is recorded. */
    public static final String RAW_TCP = "tcp";

    private final List<ProtocolCodec> codecs;

    private Codecs(List<ProtocolCodec> codecs) {
        this.codecs = List.copyOf(codecs);
    }

    public static Codecs load() {
        return load(Codecs.class.getClassLoader());
    }

    public static Codecs load(ClassLoader loader) {
        var found = new ArrayList<ProtocolCodec>();
        ServiceLoader.load(ProtocolCodec.class, loader).forEach(found::add);
        return new Codecs(found);
    }

    public static Codecs of(ProtocolCodec... codecs) {
        return new Codecs(List.of(codecs));
    }

    public List<ProtocolCodec> all() {
        return codecs;
    }

    public Optional<ProtocolCodec> byName(String name) {
        var wanted = name.toLowerCase(Locale.ROOT);
        return codecs.stream().filter(c -> c.name().equals(wanted)).findFirst();
    }

    /** The names accepted as a protocol override: every codec's, and {@code tcp} for raw recording. */
    public List<String> names() {
        var names = new ArrayList<String>();
        codecs.forEach(c -> names.add(c.name()));
        names.add(RAW_TCP);
        return names;
    }
}
