package dev.chaostesting.replay.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.jspecify.annotations.Nullable;

/** Whether the service is still there: its process alive (when known) and its port accepting connections. */
public final class Liveness {

    private final InetSocketAddress address;
    private final long pid;

    public Liveness(InetSocketAddress address, long pid) {
        this.address = address;
        this.pid = pid;
    }

    /** Why the service is considered gone, or null when it is alive. */
    public @Nullable String problem() {
        if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return "process " + pid + " has exited";
        }
        // Refused connections right after a crash can also be a restart in progress: look twice.
        for (int attempt = 0; attempt < 3; attempt++) {
            try (var socket = new Socket()) {
                socket.connect(address, 2000);
                return null;
            } catch (IOException e) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return "port " + address.getPort() + " no longer accepts connections";
    }
}
