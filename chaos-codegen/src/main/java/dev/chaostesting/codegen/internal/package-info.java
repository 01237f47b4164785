/** Shared helpers of the generators: code writing, string literals, project files. */
@NullMarked
package dev.chaostesting.codegen.internal;

import org.jspecify.annotations.NullMarked;
