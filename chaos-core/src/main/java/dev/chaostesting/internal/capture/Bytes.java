package dev.chaostesting.internal.capture;

/** Unsigned big- and little-endian integers read out of byte arrays. */
final class Bytes {
    private Bytes() {}

    static int u8(byte[] a, int at) {
        return a[at] & 0xFF;
    }

    static int u16(byte[] a, int at, boolean bigEndian) {
        return bigEndian ? (u8(a, at) << 8) | u8(a, at + 1) : (u8(a, at + 1) << 8) | u8(a, at);
    }

    /** Network byte order, as in every header above the link layer. */
    static int u16(byte[] a, int at) {
        return u16(a, at, true);
    }

    static int i32(byte[] a, int at, boolean bigEndian) {
        return bigEndian
                ? (u8(a, at) << 24) | (u8(a, at + 1) << 16) | (u8(a, at + 2) << 8) | u8(a, at + 3)
                : (u8(a, at + 3) << 24) | (u8(a, at + 2) << 16) | (u8(a, at + 1) << 8) | u8(a, at);
    }

    static long u32(byte[] a, int at, boolean bigEndian) {
        return Integer.toUnsignedLong(i32(a, at, bigEndian));
    }

    static String hex32(int value) {
        return String.format("0x%08x", value);
    }
}
