package dev.chaostesting.codegen;

import dev.chaostesting.codegen.plan.TestPlan;
import java.io.IOException;
import java.util.List;

/**
 * One target language. Implementations are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.chaostesting.codegen.TestGenerator}); a new language is one class and its support
 * files.
 */
public interface TestGenerator {
    /** The language name users give, e.g. {@code java}, {@code python}. */
    String language();

    /** The frameworks it can target, the default first. */
    List<String> frameworks();

    /**
     * Writes a complete project under {@code options.output()}.
     *
     * @return the files written, relative to the output directory, in writing order
     */
    List<String> generate(TestPlan plan, GenerationOptions options) throws IOException;
}
