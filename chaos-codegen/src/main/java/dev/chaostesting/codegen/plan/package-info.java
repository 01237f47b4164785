/**
 * The language-neutral test plan: what every generator renders. Built once from a behaviour model by
 * {@link dev.chaostesting.codegen.plan.TestPlanner}.
 */
@NullMarked
package dev.chaostesting.codegen.plan;

import org.jspecify.annotations.NullMarked;
