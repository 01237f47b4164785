package dev.chaostesting.codegen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes a project's files and remembers their names. */
public final class ProjectWriter {
    private final Path root;
    private final List<String> written = new ArrayList<>();

    public ProjectWriter(Path root) {
        this.root = root;
    }

    public void write(String relative, String content) throws IOException {
        var file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        written.add(relative);
    }

    public List<String> written() {
        return List.copyOf(written);
    }

    /** A support file shipped as a resource next to {@code owner}, with {@code @@NAME@@} placeholders replaced. */
    public static String resource(Class<?> owner, String name, Map<String, String> replacements) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " of " + owner.getName());
            }
            var text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (var r : replacements.entrySet()) {
                text = text.replace("@@" + r.getKey() + "@@", r.getValue());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
