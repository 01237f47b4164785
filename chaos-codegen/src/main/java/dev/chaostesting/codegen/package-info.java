/**
 * Test-suite generation: {@link dev.chaostesting.codegen.TestGeneration#generate} turns a learned
 * {@link dev.chaostesting.learn.BehaviourModel} into a runnable test project in one language. Languages are
 * {@link dev.chaostesting.codegen.TestGenerator} implementations found with {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.chaostesting.codegen;

import org.jspecify.annotations.NullMarked;
