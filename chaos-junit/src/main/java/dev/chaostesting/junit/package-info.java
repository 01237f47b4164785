/**
 * The JUnit 5 extension. Not built yet; until it is, tests use {@code dev.chaostesting.Interceptor} directly (it is
 * {@link java.lang.AutoCloseable}, so try-with-resources or an {@code @AfterEach} closes it).
 */
package dev.chaostesting.junit;
