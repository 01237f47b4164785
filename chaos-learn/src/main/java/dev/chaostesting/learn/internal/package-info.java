/** Inference rules behind {@link dev.chaostesting.learn.BehaviourLearner}; not part of the public API. */
@NullMarked
package dev.chaostesting.learn.internal;

import org.jspecify.annotations.NullMarked;
