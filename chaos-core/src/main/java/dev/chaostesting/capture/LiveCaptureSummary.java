package dev.chaostesting.capture;

/**
 * What a live capture saw: the import's counts plus what tcpdump reported when it stopped. Packets the kernel dropped
 * (tcpdump could not keep up) are lost from the recording; they are reported here, never hidden.
 *
 * @param capture the counts of the packets that reached the import
 * @param networkInterface the interface captured on, e.g. {@code lo} or {@code any}
 * @param filter the tcpdump filter
 * @param packetsCaptured tcpdump's "packets captured", or -1 when tcpdump did not say (it was killed)
 * @param packetsReceivedByFilter tcpdump's "packets received by filter", or -1
 * @param packetsDroppedByKernel tcpdump's "packets dropped by kernel", or -1 when tcpdump did not say
 */
public record LiveCaptureSummary(
        CaptureSummary capture,
        String networkInterface,
        String filter,
        long packetsCaptured,
        long packetsReceivedByFilter,
        long packetsDroppedByKernel) {

    /** One line for people, e.g. {@code lo 'tcp port 8080': 40 packets captured, 0 dropped by kernel; pcap: ...}. */
    public String describe() {
        return networkInterface + " '" + filter + "': " + count(packetsCaptured) + " packets captured, "
                + count(packetsDroppedByKernel) + " dropped by kernel; " + capture.describe();
    }

    private static String count(long n) {
        return n < 0 ? "unknown" : Long.toString(n);
    }
}
