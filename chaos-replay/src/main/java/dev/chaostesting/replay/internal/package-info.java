/** Internals of chaos replay: not part of the API. */
@NullMarked
package dev.chaostesting.replay.internal;

import org.jspecify.annotations.NullMarked;
