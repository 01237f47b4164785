/**
 * Packet capture import behind {@link dev.chaostesting.capture.CaptureImport}: pcap and pcapng readers
 * ({@link dev.chaostesting.internal.capture.PacketSource}), link, IP and TCP header decoding
 * ({@link dev.chaostesting.internal.capture.PacketDecoder}), and TCP reassembly
 * ({@link dev.chaostesting.internal.capture.ConnectionTable}) that feeds each connection, both directions in order, to
 * the same observer the proxy uses.
 */
@NullMarked
package dev.chaostesting.internal.capture;

import org.jspecify.annotations.NullMarked;
