/** Internals of the JUnit extension: reading annotations, scopes of running interceptors, message helpers. */
@NullMarked
package dev.chaostesting.junit.internal;

import org.jspecify.annotations.NullMarked;
