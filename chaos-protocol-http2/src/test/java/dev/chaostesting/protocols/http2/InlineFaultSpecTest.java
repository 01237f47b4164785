package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.protocols.grpc.GrpcFaults;
import dev.chaostesting.protocols.http2.internal.InlineFault;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InlineFaultSpecTest {

    @Test
    void rpc_globs_match_grpc_streams_only() {
        var f = InlineFault.parse(Map.of("match", Map.of("rpc", "helloworld.Greeter/*"), "grpcStatus", 14));
        assertThat(f.matches("POST", "/helloworld.Greeter/SayHello", true)).isTrue();
        assertThat(f.matches("POST", "/helloworld.Greeter/SayHello", false)).isFalse();
        assertThat(f.matches("POST", "/helloworld.GreeterX/SayHello", true)).isFalse();
        assertThat(f.matches("POST", "/other.Greeter/SayHello", true)).isFalse();
        assertThat(f.answer()).isEqualTo(InlineFault.Answer.GRPC_STATUS);
        assertThat(f.message()).isEqualTo("injected fault: UNAVAILABLE");
    }

    @Test
    void method_and_path_match_plain_requests_with_literal_characters_quoted() {
        var f = InlineFault.parse(Map.of("match", Map.of("method", "get", "path", "/a.b/*?x=1"), "status", 503));
        assertThat(f.matches("GET", "/a.b/items?x=1", false)).isTrue();
        assertThat(f.matches("GET", "/aXb/items?x=1", false))
                .as("'.' is literal")
                .isFalse();
        assertThat(f.matches("POST", "/a.b/items?x=1", false)).isFalse();
        assertThat(InlineFault.parse(Map.of("rstStream", "cancel")).code()).isEqualTo(8);
        assertThat(InlineFault.parse(Map.of("rstStream", 7)).matches("GET", "/", false))
                .isTrue();
    }

    @Test
    void factories_make_http2_protocol_faults() {
        var fault = GrpcFaults.status("a.B/*", "deadline_exceeded", "slow");
        assertThat(fault.name()).isEqualTo("grpc_DEADLINE_EXCEEDED");
        var effect = (Effect.Protocol) fault.effect();
        assertThat(effect.protocol()).isEqualTo("http2");
        assertThat(InlineFault.parse(effect.spec()).code()).isEqualTo(4);
        assertThatThrownBy(() -> GrpcFaults.status("a.B/*", "NOPE", "x"))
                .hasMessage("http2 fault: grpcStatus 'NOPE' (expected a name such as UNAVAILABLE, or a number 1..16)");
        assertThatThrownBy(() -> GrpcFaults.resetStream(null, null, "BAD"))
                .hasMessage("http2 fault: rstStream 'BAD' (expected a name such as REFUSED_STREAM, or a number 0..13)");
        assertThatThrownBy(() -> InlineFault.parse(Map.of("match", Map.of("service", "x"), "status", 503)))
                .hasMessage("http2 fault: unknown match field 'service' (expected: rpc, method, path)");
    }
}
