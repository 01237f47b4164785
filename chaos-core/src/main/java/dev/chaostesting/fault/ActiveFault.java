package dev.chaostesting.fault;

/**
 * A fault injected into a running interceptor. {@link #remove()} (or {@link #close()}, for try-with-resources) takes
 * it out: new bytes pass unharmed, and bytes it already holds back are still delivered, in order.
 */
public interface ActiveFault extends AutoCloseable {

    Fault fault();

    /** Takes the fault out; does nothing the second time. */
    void remove();

    @Override
    default void close() {
        remove();
    }
}
