package dev.chaostesting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Direction;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InterceptorConfigTest {

    @Test
    void every_change_returns_a_new_configuration_and_leaves_the_original_alone() {
        var base = Interceptor.onPort(8080);
        var changed = base.record()
                .direction(Direction.OUTBOUND)
                .maxRecordedBodyBytes(10)
                .protocol("http");
        assertThat(base.recording()).isFalse();
        assertThat(base.direction()).isEqualTo(Direction.INBOUND);
        assertThat(base.maxRecordedBodyBytes()).isEqualTo(Interceptor.DEFAULT_MAX_RECORDED_BODY_BYTES);
        assertThat(base.protocol()).isNull();
        assertThat(changed.recording()).isTrue();
        assertThat(changed.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(changed.maxRecordedBodyBytes()).isEqualTo(10);
        assertThat(changed.target().getPort()).isEqualTo(8080);
        assertThat(changed.recordTo(Path.of("x")).recordingDirectory()).isEqualTo(Path.of("x"));
        assertThat(changed.recordTo(Path.of("x")).record().recordingDirectory()).isNull();
    }

    @Test
    void bad_values_fail_fast_naming_the_value_and_the_bound() {
        assertThatThrownBy(() -> Interceptor.onPort(70000)).hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> Interceptor.onPort(1).maxRecordedBodyBytes(-1)).hasMessageContaining("expected: >= 0");
        assertThatThrownBy(() -> Interceptor.onPort(1).ioThreads(0)).hasMessageContaining("expected: >= 1");
        assertThatThrownBy(() -> Interceptor.onPort(1).protocol("gopher").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("protocol: gopher (expected one of:")
                .hasMessageContaining("tcp");
    }

    @Test
    void asking_for_the_recording_of_an_interceptor_that_does_not_record_says_how_to_turn_it_on() throws Exception {
        try (var running = Interceptor.onPort(9).start()) {
            assertThatThrownBy(running::recording).hasMessageContaining("record()");
            assertThat(running.stats().interactions()).isZero();
        }
    }
}
