/**
 * Test-suite generators, one per language. Not built yet: {@code chaos-testing generate} says so when invoked. The
 * module exists so that the dependency graph (core, protocols, then codegen) is fixed from the start.
 */
package dev.chaostesting.codegen;
