package dev.chaostesting.capture;

import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an import found and what it could not use. Nothing is hidden: every packet is counted once as used or under a
 * reason, and every byte the capture missed is counted in {@link #missingBytes()}.
 *
 * @param format {@code pcap} or {@code pcapng}
 * @param packets every packet record in the file
 * @param tcpConnections TCP connections followed (with a SYN, or open when the capture started)
 * @param interactions interactions recorded
 * @param payloadBytes TCP payload bytes passed to the codecs, both directions, each byte once
 * @param gaps holes in TCP streams: bytes a peer sent that the capture does not hold (dropped by the capturing host, cut
 *     by the snap length, in skipped fragments)
 * @param missingBytes the total size of those holes
 * @param conflictingBytes bytes retransmitted with content different from the first copy seen (the first copy is kept)
 * @param truncated packets the capture cut short (caplen below the length on the wire, or a file that ends mid-record)
 * @param undecodable packets claiming to be IP or TCP whose headers are broken
 * @param fragments IP fragments: not reassembled, skipped (what they carried counts as a gap)
 * @param skipped packets that are not TCP over IPv4/IPv6, are on an unsupported link type, or are on other ports than
 *     those asked for
 * @param unsupportedLinkTypes LINKTYPE_ values of packets skipped because the link type is not supported
 */
public record CaptureSummary(
        String format,
        long packets,
        long tcpConnections,
        long interactions,
        long payloadBytes,
        long gaps,
        long missingBytes,
        long conflictingBytes,
        long truncated,
        long undecodable,
        long fragments,
        long skipped,
        Set<Integer> unsupportedLinkTypes) {

    public CaptureSummary {
        unsupportedLinkTypes = Set.copyOf(unsupportedLinkTypes);
    }

    /** Whether every byte of every followed connection was in the capture. */
    public boolean complete() {
        return gaps == 0 && truncated == 0;
    }

    /**
     * One line for people, e.g. {@code pcapng: 1200 packets, 3 TCP connections, 10 interactions, 48211 payload bytes;
     * 1 gap (1448 bytes missing), 2 truncated, 40 skipped}. Counts that are zero are left out after the semicolon.
     */
    public String describe() {
        var line = format + ": " + count(packets, "packet") + ", " + count(tcpConnections, "TCP connection") + ", "
                + count(interactions, "interaction") + ", " + count(payloadBytes, "payload byte");
        var problems = new ArrayList<String>();
        if (gaps > 0) {
            problems.add(count(gaps, "gap") + " (" + count(missingBytes, "byte") + " missing)");
        }
        add(problems, conflictingBytes, "conflicting retransmitted bytes");
        add(problems, truncated, "truncated");
        add(problems, undecodable, "undecodable");
        add(problems, fragments, "IP fragments skipped");
        add(problems, skipped, "skipped");
        if (!unsupportedLinkTypes.isEmpty()) {
            problems.add("unsupported link types " + new TreeSet<>(unsupportedLinkTypes));
        }
        return problems.isEmpty() ? line : line + "; " + String.join(", ", problems);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void add(ArrayList<String> problems, long count, String what) {
        if (count > 0) {
            problems.add(count + " " + what);
        }
    }
}
