package dev.chaostesting.protocols.kafka.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The fields of one node of a message tree: an immutable map in insertion order, held in arrays, with the {@link Keys}
 * classes of each name computed once. Message nodes have a handful of fields, so a scan finds a name as fast as hashing
 * it, and building one costs three small arrays instead of a hash table and an entry per field (puts into
 * {@code LinkedHashMap}s were a fifth of the decoding time). Equal to any {@link Map} with the same entries (the
 * {@link AbstractMap} contract), and exported alike.
 */
final class FieldMap extends AbstractMap<String, @Nullable Object> {

    private final String[] names;
    private final @Nullable Object[] values;
    private final int[] keyClasses;
    private final int size;
    /** The union of the classes of its names. */
    private final int classes;

    private FieldMap(String[] names, @Nullable Object[] values, int[] keyClasses, int size) {
        this.names = names;
        this.values = values;
        this.keyClasses = keyClasses;
        this.size = size;
        int all = 0;
        for (int i = 0; i < size; i++) {
            all |= keyClasses[i];
        }
        this.classes = all;
    }

    /** The same entries, in the same order; a FieldMap is returned as it is. */
    static FieldMap copyOf(Map<?, ?> map) {
        if (map instanceof FieldMap f) {
            return f;
        }
        var builder = new Builder(map.size());
        map.forEach((k, v) -> builder.put(String.valueOf(k), v));
        return builder.build();
    }

    int classes() {
        return classes;
    }

    String nameAt(int i) {
        return names[i];
    }

    @Nullable
    Object valueAt(int i) {
        return values[i];
    }

    int classesAt(int i) {
        return keyClasses[i];
    }

    private int indexOf(@Nullable Object key) {
        if (key == null) {
            return -1;
        }
        for (int i = 0; i < size; i++) {
            if (key.equals(names[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super @Nullable Object> action) {
        for (int i = 0; i < size; i++) {
            action.accept(names[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, @Nullable Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, @Nullable Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, @Nullable Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }
        };
    }

    /** Collects fields in order; a name put again replaces its value in place (as a map's put does). */
    static final class Builder {
        private String[] names;
        private @Nullable Object[] values;
        private int[] keyClasses;
        private int size;
        /** Whether a name may already be there: set by the first {@link #put}. */
        private boolean mayRepeat;
        /** Set by {@link #build}: the map holds these arrays, so they must not change any more. */
        private boolean built;

        Builder(int expected) {
            int capacity = Math.max(1, expected);
            names = new String[capacity];
            values = new Object[capacity];
            keyClasses = new int[capacity];
        }

        Builder put(String name, @Nullable Object value) {
            return put(name, Keys.of(name), value);
        }

        /** {@code nameClasses} must be {@code Keys.of(name)}. */
        Builder put(String name, int nameClasses, @Nullable Object value) {
            checkNotBuilt();
            for (int i = 0; i < size; i++) {
                if (name.equals(names[i])) {
                    values[i] = value;
                    return this;
                }
            }
            mayRepeat = true;
            return append(name, nameClasses, value);
        }

        /** {@link #putNew(String, int, Object)} for a name whose classes are not at hand. */
        Builder putNew(String name, @Nullable Object value) {
            return putNew(name, Keys.of(name), value);
        }

        /**
         * For a name that no earlier {@link #putNew} gave (the names of one JSON object): only names from {@link #put}
         * need looking for.
         */
        Builder putNew(String name, int nameClasses, @Nullable Object value) {
            return mayRepeat ? put(name, nameClasses, value) : append(name, nameClasses, value);
        }

        private Builder append(String name, int nameClasses, @Nullable Object value) {
            checkNotBuilt();
            if (size == names.length) {
                int grown = size * 2;
                names = Arrays.copyOf(names, grown);
                values = Arrays.copyOf(values, grown);
                keyClasses = Arrays.copyOf(keyClasses, grown);
            }
            names[size] = name;
            values[size] = value;
            keyClasses[size] = nameClasses;
            size++;
            return this;
        }

        FieldMap build() {
            checkNotBuilt();
            built = true;
            return new FieldMap(names, values, keyClasses, size);
        }

        private void checkNotBuilt() {
            if (built) {
                throw new IllegalStateException("fields already built");
            }
        }
    }
}
