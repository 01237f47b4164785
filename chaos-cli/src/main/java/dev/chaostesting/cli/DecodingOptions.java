package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Redaction;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How traffic is decoded and recorded, the same for observe (proxy or capture) and for pcap import. */
final class DecodingOptions {

    @Option(
            names = "--direction",
            defaultValue = "inbound",
            description = "inbound (the traffic is the observed service's) or outbound (a dependency's).")
    Direction direction;

    @Option(
            names = "--max-body",
            converter = Units.SizeConverter.class,
            defaultValue = "1MiB",
            description = "Most bytes of one body to record (default: ${DEFAULT-VALUE}); forwarding is never capped.")
    int maxBody;

    @Option(names = "--protocol", description = "Decode as this protocol instead of detecting it (http, tcp).")
    String protocol;

    @Option(
            names = "--no-redact",
            description = "Record secrets (Authorization, cookies, passwords, tokens) as they are.")
    boolean noRedact;

    Redaction redaction() {
        return noRedact ? Redaction.none() : Redaction.defaults();
    }

    Interceptor applyTo(Interceptor config) {
        var result = config.direction(direction).maxRecordedBodyBytes(maxBody).redaction(redaction());
        return protocol == null ? result : result.protocol(protocol.toLowerCase(Locale.ROOT));
    }

    CaptureOptions captureOptions() {
        var options = CaptureOptions.defaults()
                .direction(direction)
                .maxBodyBytes(maxBody)
                .redaction(redaction());
        return protocol == null ? options : options.protocol(protocol.toLowerCase(Locale.ROOT));
    }
}
