/** The recorded model: {@link dev.chaostesting.model.Interaction} and the messages it carries. Immutable values. */
@NullMarked
package dev.chaostesting.model;

import org.jspecify.annotations.NullMarked;
