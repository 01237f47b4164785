/**
 * A small bookshop JSON REST service used as the backend the Chaos Testing demo observes.
 *
 * <p>{@link dev.chaostesting.examples.demo.DemoService} starts it in-process on the JDK's HTTP server with in-memory
 * storage; {@link dev.chaostesting.examples.demo.DemoTraffic} drives a deterministic sequence of realistic requests
 * against it. A {@link dev.chaostesting.examples.demo.Bug} switch makes the service misbehave in one documented way so a
 * demo can show the framework noticing a regression.
 */
package dev.chaostesting.examples.demo;
