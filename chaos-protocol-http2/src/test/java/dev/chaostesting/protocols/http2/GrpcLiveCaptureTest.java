package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.testing.DebianPackages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Passive capture (tcpdump on loopback) of a real gRPC session records the same calls as the proxy does. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcLiveCaptureTest {

    @Test
    void a_captured_grpc_session_is_recorded_call_by_call() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        try (var service = new EchoService()) {
            int port = service.port();
            List<Interaction> recorded = Collections.synchronizedList(new ArrayList<>());
            var capture = LiveCapture.start(
                    "lo", "tcp port " + port, CaptureOptions.defaults().onlyPorts(port), recorded::add);
            List<String> results;
            try {
                results = GrpcCalls.run(port);
            } finally {
                var summary = capture.stop();
                assertThat(summary.packetsDroppedByKernel()).isZero();
            }
            assertThat(results).isEqualTo(GrpcRealSessionTest.EXPECTED);
            GrpcRealSessionTest.checkSchemaless(List.copyOf(recorded));
        }
    }
}
