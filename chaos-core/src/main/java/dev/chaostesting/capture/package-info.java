/**
 * Packet capture import: turns a pcap or pcapng file (tcpdump, Wireshark, dumpcap, tshark...) into a recording.
 * TCP connections are reassembled and decoded by the same codecs as proxied traffic; see docs/capture.md.
 *
 * <pre>{@code
 * var summary = CaptureImport.toRecording(
 *         Path.of("api.pcapng"), Path.of("rec"), CaptureOptions.defaults().onlyPorts(8080));
 * System.out.println(summary.describe());
 * }</pre>
 */
@NullMarked
package dev.chaostesting.capture;

import org.jspecify.annotations.NullMarked;
