package dev.chaostesting.protocols.grpc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC services the codec can decode with field names, read from descriptor set files ({@code protoc
 * --include_imports --descriptor_set_out=FILE}). Without a schema for a method, its messages are decoded as a tree of
 * field numbers. Immutable.
 *
 * <p>The codecs found by {@code ServiceLoader} read the files named by the system property
 * {@value #PROPERTY} (paths separated by the platform's path separator) when they are created.
 */
public final class GrpcSchemas {

    /** System property naming descriptor set files for the codecs created by {@code ServiceLoader}. */
    public static final String PROPERTY = "chaos.grpc.descriptorSets";

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
     * Reads the files named by the system property {@value #PROPERTY}; empty when it is not set.
     *
     * @throws IllegalArgumentException when a file cannot be read or is not a descriptor set
     */
    public static GrpcSchemas fromSystemProperty() {
        var value = System.getProperty(PROPERTY, "").trim();
        if (value.isEmpty()) {
            return EMPTY;
        }
        var files = new ArrayList<Path>();
        for (var part : value.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                files.add(Path.of(part.trim()));
            }
        }
        return fromDescriptorSets(files.toArray(Path[]::new));
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
        return build(set.build());
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
            return build(FileDescriptorSet.parseFrom(descriptorSet));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("descriptor set: not a FileDescriptorSet (" + e.getMessage() + ")", e);
        }
    }

    private static GrpcSchemas build(FileDescriptorSet set) {
        var protos = new LinkedHashMap<String, FileDescriptorProto>();
        for (var file : set.getFileList()) {
            protos.putIfAbsent(file.getName(), file);
        }
        var built = new HashMap<String, FileDescriptor>();
        var methods = new HashMap<String, MethodDescriptor>();
        for (var name : protos.keySet()) {
            var file = build(name, protos, built, new HashSet<>());
            for (var service : file.getServices()) {
                for (var method : service.getMethods()) {
                    methods.put(service.getFullName() + "/" + method.getName(), method);
                }
            }
        }
        return new GrpcSchemas(methods);
    }

    private static FileDescriptor build(
            String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built, Set<String> path) {
        var done = built.get(name);
        if (done != null) {
            return done;
        }
        var proto = protos.get(name);
        if (proto == null) {
            var wellKnown = WellKnownTypes.file(name);
            if (wellKnown == null) {
                throw new IllegalArgumentException(
                        "descriptor set: missing dependency " + name + " (expected: protoc --include_imports)");
            }
            built.put(name, wellKnown);
            return wellKnown;
        }
        if (!path.add(name)) {
            throw new IllegalArgumentException("descriptor set: import cycle through " + name);
        }
        var dependencies = new ArrayList<FileDescriptor>();
        for (var dependency : proto.getDependencyList()) {
            dependencies.add(build(dependency, protos, built, path));
        }
        try {
            var file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
            built.put(name, file);
            return file;
        } catch (DescriptorValidationException e) {
            throw new IllegalArgumentException("descriptor set: " + name + ": " + e.getMessage(), e);
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
