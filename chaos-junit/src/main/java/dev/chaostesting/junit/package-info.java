/**
 * The JUnit Jupiter extension (JUnit 5.x and 6.x): {@link dev.chaostesting.junit.ChaosTest} with
 * {@link dev.chaostesting.junit.Intercept} starts interceptors around a test or a class, fault annotations such as
 * {@link dev.chaostesting.junit.Latency} inject faults for one test, {@link dev.chaostesting.junit.ChaosAssertions}
 * checks recordings and {@link dev.chaostesting.junit.HttpVirtualService} answers as a recorded HTTP dependency did.
 * See docs/junit.md.
 */
@NullMarked
package dev.chaostesting.junit;

import org.jspecify.annotations.NullMarked;
