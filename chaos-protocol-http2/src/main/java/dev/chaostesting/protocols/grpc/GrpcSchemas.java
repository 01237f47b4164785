package dev.chaostesting.protocols.grpc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.chaostesting.protocols.grpc.internal.ReflectionClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC services the codec can decode with field names, read from descriptor set files ({@code protoc
 * --include_imports --descriptor_set_out=FILE}) or fetched from a server's reflection service. Without a schema for a
 * method, its messages are decoded as a tree of field numbers. Immutable.
 *
 * <p>The codecs found by {@code ServiceLoader} read, when they are created, the files named by the system property
 * {@value #PROPERTY} (paths separated by the platform's path separator) and ask the server named by {@value
 * #REFLECTION_PROPERTY} ({@code HOST:PORT}) for its descriptors; see {@link #fromSystemProperty()}.
 */
public final class GrpcSchemas {

    /** System property naming descriptor set files for the codecs created by {@code ServiceLoader}. */
    public static final String PROPERTY = "chaos.grpc.descriptorSets";

    /**
     * System property naming a gRPC server ({@code HOST:PORT}, {@code [IPv6]:PORT}) whose reflection service describes
     * the services, for the codecs created by {@code ServiceLoader}.
     */
    public static final String REFLECTION_PROPERTY = "chaos.grpc.reflection";

    /** How long {@link #fromSystemProperty()} waits for server reflection in all. */
    public static final Duration REFLECTION_TIMEOUT = Duration.ofSeconds(10);

    /** Reflection answers by address, so that the codecs {@code ServiceLoader} creates ask the server once. */
    private static final Map<String, GrpcSchemas> REFLECTED = new ConcurrentHashMap<>();

    private static final GrpcSchemas EMPTY = new GrpcSchemas(Map.of());

    /** Methods by {@code package.Service/Method}. */
    private final Map<String, MethodDescriptor> methods;

    private GrpcSchemas(Map<String, MethodDescriptor> methods) {
        this.methods = Map.copyOf(methods);
    }

    /** No schema: every message is decoded without field names. */
    public static GrpcSchemas empty() {
        return EMPTY;
    }

    /**
     * Reads the files named by the system property {@value #PROPERTY} and, when {@value #REFLECTION_PROPERTY} is set,
     * merges what that server's reflection service describes (asked once per address in this JVM, within {@link
     * #REFLECTION_TIMEOUT}; the descriptor sets win for a method both describe). Empty when neither is set.
     *
     * @throws IllegalArgumentException when a file cannot be read or is not a descriptor set, or the reflection
     *     address is malformed or reflection fails (see {@link #fromServerReflection})
     */
    public static GrpcSchemas fromSystemProperty() {
        var value = System.getProperty(PROPERTY, "").trim();
        var schemas = EMPTY;
        if (!value.isEmpty()) {
            var files = new ArrayList<Path>();
            for (var part : value.split(File.pathSeparator)) {
                if (!part.isBlank()) {
                    files.add(Path.of(part.trim()));
                }
            }
            schemas = fromDescriptorSets(files.toArray(Path[]::new));
        }
        var reflection = System.getProperty(REFLECTION_PROPERTY, "").trim();
        if (!reflection.isEmpty()) {
            var cached = REFLECTED.get(reflection);
            if (cached == null) {
                int colon = reflection.lastIndexOf(':');
                int port = -1;
                try {
                    port = colon < 0 ? -1 : Integer.parseInt(reflection.substring(colon + 1));
                } catch (NumberFormatException e) {
                    // reported below
                }
                var host = colon <= 0 ? "" : reflection.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                if (host.isEmpty() || port < 1 || port > 65535) {
                    throw new IllegalArgumentException(
                            REFLECTION_PROPERTY + ": '" + reflection + "' (expected HOST:PORT, e.g. 127.0.0.1:50051)");
                }
                cached = fromServerReflection(host, port, REFLECTION_TIMEOUT);
                REFLECTED.put(reflection, cached);
            }
            schemas = schemas.merge(cached);
        }
        return schemas;
    }

    /**
     * Asks a gRPC server's reflection service for the descriptors of every service it lists, as {@code grpcurl}
     * does: over HTTP/2 on plain TCP (h2c, prior knowledge), {@code
     * grpc.reflection.v1.ServerReflection/ServerReflectionInfo} (or {@code grpc.reflection.v1alpha} when the server
     * answers UNIMPLEMENTED for v1) with {@code list_services}, then {@code file_containing_symbol} for each service
     * and {@code file_by_filename} for the imports still missing. Only {@code host:port} is contacted. A service the
     * server lists but cannot describe stays without names. Bounded: {@code timeout} in all, at most 2000 files, 4 MiB
     * per answer and 64 MiB in all.
     *
     * @param host a host name or address of the server
     * @param port its port
     * @param timeout the most time the whole exchange may take
     * @throws IllegalArgumentException with one line starting with {@code server reflection at HOST:PORT: } when the
     *     connection is refused, the server does not answer in time, is not HTTP/2 (h2c), does not have reflection
     *     enabled (UNIMPLEMENTED), answers an error, or describes files that do not build (e.g. a missing import)
     */
    public static GrpcSchemas fromServerReflection(String host, int port, Duration timeout) {
        var result = ReflectionClient.fetch(host, port, timeout);
        var label = "server reflection at " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        var set = FileDescriptorSet.newBuilder().addAllFile(result.files()).build();
        return build(set, label, "the server does not describe it");
    }

    /**
     * These schemas and {@code other}'s: for a method both describe, this one's types are kept.
     *
     * @param other more schemas
     * @return the union
     */
    public GrpcSchemas merge(GrpcSchemas other) {
        if (other.methods.isEmpty()) {
            return this;
        }
        if (methods.isEmpty()) {
            return other;
        }
        var merged = new HashMap<>(other.methods);
        merged.putAll(methods);
        return new GrpcSchemas(merged);
    }

    /**
     * Reads descriptor set files.
     *
     * @throws IllegalArgumentException when a file cannot be read, is not a {@code FileDescriptorSet}, or lacks a
     *     dependency (use {@code protoc --include_imports})
     */
    public static GrpcSchemas fromDescriptorSets(Path... files) {
        var set = FileDescriptorSet.newBuilder();
        for (var file : files) {
            try {
                set.mergeFrom(FileDescriptorSet.parseFrom(Files.readAllBytes(file)));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException(
                        "descriptor set " + file + ": not a FileDescriptorSet (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new IllegalArgumentException("descriptor set " + file + ": " + e, e);
            }
        }
        return build(set.build(), "descriptor set", "expected: protoc --include_imports");
    }

    /**
     * Builds the schemas of a descriptor set given as the bytes {@code protoc --descriptor_set_out} writes (a
     * serialized {@code google.protobuf.FileDescriptorSet}). Bytes rather than protobuf types, so that this API does
     * not tie users to the protobuf-java version this module uses.
     *
     * @throws IllegalArgumentException when the bytes are not a descriptor set, a file of the set is invalid or a
     *     dependency is missing
     */
    public static GrpcSchemas fromDescriptorSet(byte[] descriptorSet) {
        try {
            return build(
                    FileDescriptorSet.parseFrom(descriptorSet), "descriptor set", "expected: protoc --include_imports");
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("descriptor set: not a FileDescriptorSet (" + e.getMessage() + ")", e);
        }
    }

    private static GrpcSchemas build(FileDescriptorSet set, String source, String missingHint) {
        var protos = new LinkedHashMap<String, FileDescriptorProto>();
        for (var file : set.getFileList()) {
            protos.putIfAbsent(file.getName(), file);
        }
        var built = new HashMap<String, FileDescriptor>();
        var methods = new HashMap<String, MethodDescriptor>();
        for (var name : protos.keySet()) {
            var file = build(name, protos, built, new HashSet<>(), source, missingHint);
            for (var service : file.getServices()) {
                for (var method : service.getMethods()) {
                    methods.put(service.getFullName() + "/" + method.getName(), method);
                }
            }
        }
        return new GrpcSchemas(methods);
    }

    private static FileDescriptor build(
            String name,
            Map<String, FileDescriptorProto> protos,
            Map<String, FileDescriptor> built,
            Set<String> path,
            String source,
            String missingHint) {
        var done = built.get(name);
        if (done != null) {
            return done;
        }
        var proto = protos.get(name);
        if (proto == null) {
            var wellKnown = WellKnownTypes.file(name);
            if (wellKnown == null) {
                throw new IllegalArgumentException(source + ": missing dependency " + name + " (" + missingHint + ")");
            }
            built.put(name, wellKnown);
            return wellKnown;
        }
        if (!path.add(name)) {
            throw new IllegalArgumentException(source + ": import cycle through " + name);
        }
        var dependencies = new ArrayList<FileDescriptor>();
        for (var dependency : proto.getDependencyList()) {
            dependencies.add(build(dependency, protos, built, path, source, missingHint));
        }
        try {
            var file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
            built.put(name, file);
            return file;
        } catch (DescriptorValidationException e) {
            throw new IllegalArgumentException(source + ": " + name + ": " + e.getMessage(), e);
        }
    }

    /** The methods known, as {@code package.Service/Method}, sorted. */
    public Set<String> methods() {
        return new TreeSet<>(methods.keySet());
    }

    public boolean isEmpty() {
        return methods.isEmpty();
    }

    /** The request message type of a method, or null when unknown. */
    public @Nullable Descriptor requestType(String service, String method) {
        var m = methods.get(service + "/" + method);
        return m == null ? null : m.getInputType();
    }

    /** The response message type of a method, or null when unknown. */
    public @Nullable Descriptor responseType(String service, String method) {
        var m = methods.get(service + "/" + method);
        return m == null ? null : m.getOutputType();
    }

    @Override
    public String toString() {
        return "GrpcSchemas" + methods();
    }
}
