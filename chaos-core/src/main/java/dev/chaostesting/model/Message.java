package dev.chaostesting.model;

/**
 * One side of an interaction: what the client sent or what the server answered.
 *
 * <p>HTTP has typed messages; raw TCP carries bytes; every other protocol describes its messages as a
 * {@link StructuredMessage}, a tree of named fields documented on that protocol's page in {@code docs/}.
 */
public sealed interface Message permits HttpRequest, HttpResponse, TcpData, StructuredMessage {}
