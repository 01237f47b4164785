package dev.chaostesting.junit;

/** The kinds of fault {@link InjectFault} names, one per factory of {@link dev.chaostesting.fault.Faults}. */
public enum FaultType {
    /** {@code duration}: the delay. */
    LATENCY,
    /** {@code bytes}: bytes per second. */
    BANDWIDTH,
    /** {@code bytes}: average slice size; {@code duration}: the pause between slices. */
    SLICER,
    /** {@code duration}: how late the close reaches the other side. */
    SLOW_CLOSE,
    /** {@code duration}: how long after the first swallowed chunk the connection is closed. */
    TIMEOUT,
    /** No parameter. */
    BLACK_HOLE,
    /** {@code duration}: after how long (empty: at once). */
    RESET,
    /** {@code bytes}: how many pass. */
    LIMIT_DATA,
    /** No parameter. */
    DOWN,
    /** {@code duration}: how long the flow stops. */
    STALL
}
