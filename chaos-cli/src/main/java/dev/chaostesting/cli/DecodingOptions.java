package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.model.Direction;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.recording.Redaction;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
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

    @Option(
            names = "--protocol",
            description =
                    "Decode as this protocol instead of detecting it: http, http2, grpc, postgresql, mysql, redis,"
                            + " kafka, or tcp (recorded raw).")
    String protocol;

    @Option(
            names = "--grpc-descriptor-set",
            paramLabel = "FILE",
            description = "Decode gRPC messages with field names from this descriptor set (protoc --include_imports"
                    + " --descriptor_set_out=FILE); repeatable.")
    List<Path> grpcDescriptorSets;

    @Option(
            names = "--grpc-reflection",
            arity = "0..1",
            fallbackValue = "",
            paramLabel = "HOST:PORT",
            description = "Decode gRPC messages with field names from the server reflection service of this server,"
                    + " asked once at the start (observe: default the observed service's host and port).")
    String grpcReflection;

    @Option(
            names = "--no-redact",
            description = "Record secrets (Authorization, cookies, passwords, tokens) as they are.")
    boolean noRedact;

    /**
     * Checks the gRPC schema options and hands them to the codecs (created by ServiceLoader) through the system
     * properties {@link GrpcSchemas#PROPERTY} and {@link GrpcSchemas#REFLECTION_PROPERTY}, until the result is closed.
     * The descriptor sets are read and the reflection server is asked here, so that a bad file or an unreachable
     * server is one line before anything starts.
     *
     * @param observed the observed service as HOST:PORT, the reflection address when none is given; null for none
     * @param err where the schemas found are reported
     */
    GrpcSettings configureGrpc(@Nullable String observed, PrintWriter err) {
        var sets = grpcDescriptorSets == null ? List.<Path>of() : grpcDescriptorSets;
        String reflection = null;
        if (grpcReflection != null) {
            if (grpcReflection.isBlank()) {
                if (observed == null) {
                    throw new Errors.UserError(
                            "--grpc-reflection needs an address here: --grpc-reflection=HOST:PORT (e.g. 127.0.0.1:50051)");
                }
                reflection = observed;
            } else {
                reflection = checkAddress(grpcReflection.trim());
            }
        }
        if (sets.isEmpty() && reflection == null) {
            return GrpcSettings.NONE;
        }
        for (var file : sets) {
            if (!Files.isRegularFile(file)) {
                throw new Errors.UserError("--grpc-descriptor-set: no such file: " + file);
            }
            GrpcSchemas.fromDescriptorSets(file); // IllegalArgumentException: one line naming the file
        }
        var settings = new GrpcSettings(
                System.getProperty(GrpcSchemas.PROPERTY), System.getProperty(GrpcSchemas.REFLECTION_PROPERTY), true);
        var files = new ArrayList<String>();
        var inherited = settings.previousSets;
        if (inherited != null && !inherited.isBlank()) {
            files.add(inherited);
        }
        sets.forEach(f -> files.add(f.toAbsolutePath().toString()));
        setOrClear(GrpcSchemas.PROPERTY, files.isEmpty() ? null : String.join(File.pathSeparator, files));
        if (reflection != null) {
            System.setProperty(GrpcSchemas.REFLECTION_PROPERTY, reflection);
        }
        try {
            var schemas = GrpcSchemas.fromSystemProperty();
            err.printf(
                    "gRPC schemas: %d methods (%s)%n",
                    schemas.methods().size(),
                    (sets.isEmpty() ? "" : sets.size() + " descriptor set" + (sets.size() == 1 ? "" : "s"))
                            + (sets.isEmpty() || reflection == null ? "" : " and ")
                            + (reflection == null ? "" : "server reflection at " + reflection));
            err.flush();
        } catch (RuntimeException e) {
            settings.close();
            throw e;
        }
        return settings;
    }

    private static String checkAddress(String value) {
        int colon = value.lastIndexOf(':');
        var host = colon <= 0 ? "" : value.substring(0, colon);
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        var bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.isEmpty() || port < 1 || port > 65535 || bare.contains(":") && !host.startsWith("[")) {
            throw new Errors.UserError(
                    "--grpc-reflection: '" + value + "' (expected HOST:PORT, e.g. 127.0.0.1:50051 or [::1]:50051)");
        }
        return value;
    }

    private static void setOrClear(String name, @Nullable String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    /** Puts the gRPC system properties back as they were when closed. */
    static final class GrpcSettings implements AutoCloseable {
        static final GrpcSettings NONE = new GrpcSettings(null, null, false);

        private final @Nullable String previousSets;
        private final @Nullable String previousReflection;

        private final boolean restores;

        private GrpcSettings(@Nullable String previousSets, @Nullable String previousReflection, boolean restores) {
            this.previousSets = previousSets;
            this.previousReflection = previousReflection;
            this.restores = restores;
        }

        @Override
        public void close() {
            if (!restores) {
                return;
            }
            setOrClear(GrpcSchemas.PROPERTY, previousSets);
            setOrClear(GrpcSchemas.REFLECTION_PROPERTY, previousReflection);
        }
    }

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
