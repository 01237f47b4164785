package dev.chaostesting.codegen;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to generate and where.
 *
 * @param language a {@link TestGenerator#language()}: {@code java}, {@code python}, {@code javascript}, {@code go},
 *     {@code rust}
 * @param framework one of the generator's {@link TestGenerator#frameworks()}, or null for its default
 * @param output the project directory (created; files in it are overwritten)
 * @param baseUrl the default address of the service under test, or null for {@link #DEFAULT_BASE_URL}; the
 *     generated tests read {@code CHAOS_BASE_URL} first
 * @param projectName a lower-case name for the project (package, module, crate), e.g. {@code bookshop-api-tests}
 */
public record GenerationOptions(
        String language,
        @Nullable String framework,
        Path output,
        @Nullable String baseUrl,
        String projectName) {
    /** The address used when neither the options nor the environment give one. */
    public static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080";

    public GenerationOptions {
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(projectName, "projectName");
    }

    /** Options for a language, writing to {@code output}, with the default framework, address and name. */
    public static GenerationOptions of(String language, Path output) {
        return new GenerationOptions(language, null, output, null, "api-tests");
    }

    public GenerationOptions withFramework(@Nullable String framework) {
        return new GenerationOptions(language, framework, output, baseUrl, projectName);
    }

    public GenerationOptions withBaseUrl(@Nullable String baseUrl) {
        return new GenerationOptions(language, framework, output, baseUrl, projectName);
    }

    public GenerationOptions withProjectName(String projectName) {
        return new GenerationOptions(language, framework, output, baseUrl, projectName);
    }

    /** The base URL the tests default to. */
    public String effectiveBaseUrl() {
        var url = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.trim();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
