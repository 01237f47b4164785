/**
 * Behaviour learning: turns a recording into a {@link dev.chaostesting.learn.BehaviourModel} (endpoints, schemas,
 * dynamic values, data flows, scenarios, dependencies), writes it as versioned JSON ({@link
 * dev.chaostesting.learn.ModelJson}) and as OpenAPI 3.1 ({@link dev.chaostesting.learn.OpenApi}).
 *
 * <p>Start with {@link dev.chaostesting.learn.BehaviourLearner}. The inference rules and the JSON format are described
 * in {@code docs/learning.md}.
 */
@NullMarked
package dev.chaostesting.learn;

import org.jspecify.annotations.NullMarked;
