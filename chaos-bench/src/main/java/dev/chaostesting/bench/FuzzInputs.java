package dev.chaostesting.bench;

import dev.chaostesting.bench.FuzzMain.Chunk;
import dev.chaostesting.spi.Side;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The inputs of {@link FuzzMain}: the start of a real conversation (1 to 12 chunks, one time in four up to
 * {@code maxChunks}, so handshakes are in) with 0 to 4 mutations (chunks dropped, repeated or taken from another
 * conversation; bytes changed, flipped, set to protocol-looking tokens, cut, deleted, duplicated, inserted, or four
 * bytes set to an extreme length-looking value), or, one time in sixteen, random bytes from either side.
 */
final class FuzzInputs {

    private static final byte[] TOKENS =
            "\r\n\0\1\2\3\u007f\u00ff:;- *$+#0123456789abcdefGET HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1);

    private final Random random;
    private final int maxChunks;

    FuzzInputs(Random random, int maxChunks) {
        this.random = random;
        this.maxChunks = maxChunks;
    }

    /** The next input: the start of a random conversation, mutated, or random bytes. */
    List<Chunk> next(List<List<Chunk>> conversations) {
        var out = new ArrayList<Chunk>();
        if (random.nextInt(16) == 0) { // random bytes, either side first
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                var bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                out.add(new Chunk(random.nextBoolean() ? Side.CLIENT : Side.SERVER, bytes));
            }
            return out;
        }
        var conversation = conversations.get(random.nextInt(conversations.size()));
        int length = 1 + random.nextInt(Math.min(conversation.size(), random.nextInt(4) == 0 ? maxChunks : 12));
        out.addAll(conversation.subList(0, length));
        int mutations = random.nextInt(5);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(out.size());
            switch (random.nextInt(8)) {
                case 0 -> out.remove(at);
                case 1 -> out.add(at, out.get(at));
                case 2 -> {
                    var other = conversations.get(random.nextInt(conversations.size()));
                    out.add(at, other.get(random.nextInt(other.size())));
                }
                default ->
                    out.set(at, new Chunk(out.get(at).side(), mutate(out.get(at).bytes())));
            }
            if (out.isEmpty()) {
                out.add(conversation.get(0));
            }
        }
        return out;
    }

    private byte[] mutate(byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(8)) {
            case 0 -> {
                var copy = bytes.clone();
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 1 -> {
                var copy = bytes.clone();
                copy[at] ^= (byte) (1 << random.nextInt(8));
                yield copy;
            }
            case 2 -> {
                var copy = bytes.clone();
                copy[at] = TOKENS[random.nextInt(TOKENS.length)];
                yield copy;
            }
            case 3 -> Arrays.copyOf(bytes, at); // cut
            case 4 ->
                concat( // delete a range
                        Arrays.copyOf(bytes, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(16)), bytes.length));
            case 5 -> concat(Arrays.copyOf(bytes, at), bytes, Arrays.copyOfRange(bytes, at, bytes.length));
            case 6 -> { // a length-looking field: four bytes set to an extreme value
                var copy = bytes.clone();
                byte v = random.nextBoolean() ? (byte) 0xff : (byte) 0x7f;
                for (int i = at; i < Math.min(copy.length, at + 4); i++) {
                    copy[i] = i == at ? v : (byte) random.nextInt(256);
                }
                yield copy;
            }
            default -> {
                var insert = new byte[1 + random.nextInt(32)];
                random.nextBytes(insert);
                yield concat(Arrays.copyOf(bytes, at), insert, Arrays.copyOfRange(bytes, at, bytes.length));
            }
        };
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (var p : parts) {
            n += p.length;
        }
        var all = new byte[n];
        int at = 0;
        for (var p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
