package dev.chaostesting.internal.capture;

/**
 * Turns a pcapng interface's timestamps into microseconds. The unit is {@code if_tsresol}: 10^-n seconds (the default
 * is 10^-6) or, with the high bit set, 2^-n seconds; {@code if_tsoffset} adds whole seconds.
 */
final class TimestampResolution {

    static final TimestampResolution MICROS = new TimestampResolution(false, 6, 0);

    private final boolean binary;
    private final int exponent;
    private final long offsetSeconds;

    private TimestampResolution(boolean binary, int exponent, long offsetSeconds) {
        this.binary = binary;
        this.exponent = exponent;
        this.offsetSeconds = offsetSeconds;
    }

    /**
     * @param tsresol the option's byte
     * @param where names the option in messages
     */
    static TimestampResolution of(int tsresol, String where) throws MalformedCaptureException {
        boolean binary = (tsresol & 0x80) != 0;
        int exponent = tsresol & 0x7F;
        if (binary ? exponent > 63 : exponent > 24) {
            throw new MalformedCaptureException(where + ": if_tsresol " + (binary ? "2^-" : "10^-") + exponent
                    + " (expected: at most " + (binary ? "2^-63" : "10^-24") + ")");
        }
        return new TimestampResolution(binary, exponent, 0);
    }

    TimestampResolution withOffset(long seconds) {
        return new TimestampResolution(binary, exponent, seconds);
    }

    /** Microseconds since the epoch of a timestamp in this resolution (an unsigned 64-bit count of units). */
    long toMicros(long units) {
        return offsetSeconds * 1_000_000L + (binary ? binaryToMicros(units) : decimalToMicros(units));
    }

    private long decimalToMicros(long units) {
        if (exponent >= 6) {
            return Long.divideUnsigned(units, pow10(exponent - 6));
        }
        return units * pow10(6 - exponent);
    }

    /** units / 2^e seconds, in microseconds, without the overflow that multiplying by 10^6 first would cause. */
    private long binaryToMicros(long units) {
        if (exponent == 0) {
            return units * 1_000_000L;
        }
        long seconds = units >>> exponent;
        long fraction = units & ((1L << exponent) - 1);
        long low = fraction * 1_000_000L;
        long high = Math.multiplyHigh(fraction, 1_000_000L);
        // The 128-bit product shifted right by the exponent (1 to 63).
        long fractionMicros = (low >>> exponent) | (high << (64 - exponent));
        return seconds * 1_000_000L + fractionMicros;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
