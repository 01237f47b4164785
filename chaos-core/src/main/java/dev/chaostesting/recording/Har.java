package dev.chaostesting.recording;

import dev.chaostesting.internal.har.HarReader;
import dev.chaostesting.internal.har.HarWriter;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * HAR 1.2 (HTTP Archive) export and import, to exchange HTTP traffic with browsers' developer tools, proxies and load
 * testing tools. See docs/har.md for the mapping.
 *
 * <p>Export writes one entry per HTTP interaction and keeps what HAR has no field for under {@code _chaos}, so that
 * importing the file gives back the same interactions. Import reads files from this tool and from others (Chrome,
 * Firefox, Safari, Charles, Fiddler, mitmproxy, Playwright, k6...). Both stream: memory does not grow with the number
 * of entries.
 */
public final class Har {

    private Har() {}

    /**
     * Writes the HTTP interactions as one HAR 1.2 log; interactions of other protocols are skipped. Entries are written
     * as the iterator yields them, so any number fits in constant memory.
     *
     * @param out where to write UTF-8 JSON; flushed, not closed
     * @return how many entries were written
     */
    public static long write(Iterator<Interaction> interactions, OutputStream out) throws IOException {
        return HarWriter.write(interactions, out, creatorVersion());
    }

    /**
     * Writes the HTTP interactions of a stream, e.g. {@link Recording#stream()}, as one HAR 1.2 log.
     *
     * @param out where to write UTF-8 JSON; flushed, not closed
     * @return how many entries were written
     * @see #write(Iterator, OutputStream)
     */
    public static long write(Stream<Interaction> interactions, OutputStream out) throws IOException {
        return write(interactions.iterator(), out);
    }

    /**
     * Reads a HAR file into interactions, in entry order, with sequence numbers from 1.
     *
     * @throws IOException when the file is not a HAR file ("FILE is not a HAR file: no log.entries") or an entry cannot
     *     be read ("FILE: log.entries[3]: request has no url")
     */
    public static List<Interaction> read(Path file) throws IOException {
        var interactions = new ArrayList<Interaction>();
        try (var in = Files.newInputStream(file)) {
            read(in, file.toString(), interactions::add);
        }
        return interactions;
    }

    /**
     * Reads HAR from a stream into interactions, in entry order, with sequence numbers from 1. Error messages call the
     * input {@code input}; use {@link #read(InputStream, String, Consumer)} to name it.
     *
     * @param in UTF-8 (or UTF-16/32, detected) JSON; not closed
     */
    public static List<Interaction> read(InputStream in) throws IOException {
        var interactions = new ArrayList<Interaction>();
        read(in, "input", interactions::add);
        return interactions;
    }

    /**
     * Reads HAR from a stream one entry at a time, handing each interaction to {@code sink} as soon as it is read: for
     * files larger than memory.
     *
     * @param in UTF-8 (or UTF-16/32, detected) JSON; not closed
     * @param name what to call the input in error messages, e.g. its file name
     * @return how many interactions were handed to {@code sink}
     * @throws IOException when the input is not a HAR file or an entry cannot be read; entries before the bad one have
     *     already been handed over
     */
    public static long read(InputStream in, String name, Consumer<? super Interaction> sink) throws IOException {
        return HarReader.read(in, name, sink);
    }

    /** {@link Version#TOOL} is "chaos-testing VERSION"; HAR wants the name and the version apart. */
    private static String creatorVersion() {
        return Version.TOOL.substring(Version.TOOL.indexOf(' ') + 1);
    }
}
