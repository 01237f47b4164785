/**
 * Faults the interceptor injects into the traffic it forwards: {@link dev.chaostesting.fault.Faults} makes them,
 * {@link dev.chaostesting.fault.Fault} says where, how often and when they apply, and
 * {@link dev.chaostesting.fault.Effect} is what they do to the bytes. See docs/faults.md.
 */
@NullMarked
package dev.chaostesting.fault;

import org.jspecify.annotations.NullMarked;
