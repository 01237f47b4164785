/** HAR 1.2 export and import behind {@link dev.chaostesting.recording.Har}. */
@NullMarked
package dev.chaostesting.internal.har;

import org.jspecify.annotations.NullMarked;
