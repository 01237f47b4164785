package dev.chaostesting.protocols.grpc;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import org.jspecify.annotations.Nullable;

/** The protobuf well-known types, for descriptor sets written without {@code --include_imports}. */
final class WellKnownTypes {

    private WellKnownTypes() {}

    static @Nullable FileDescriptor file(String name) {
        return switch (name) {
            case "google/protobuf/any.proto" -> AnyProto.getDescriptor();
            case "google/protobuf/descriptor.proto" -> DescriptorProtos.getDescriptor();
            case "google/protobuf/duration.proto" -> DurationProto.getDescriptor();
            case "google/protobuf/empty.proto" -> EmptyProto.getDescriptor();
            case "google/protobuf/field_mask.proto" -> FieldMaskProto.getDescriptor();
            case "google/protobuf/struct.proto" -> StructProto.getDescriptor();
            case "google/protobuf/timestamp.proto" -> TimestampProto.getDescriptor();
            case "google/protobuf/wrappers.proto" -> WrappersProto.getDescriptor();
            default -> null;
        };
    }
}
