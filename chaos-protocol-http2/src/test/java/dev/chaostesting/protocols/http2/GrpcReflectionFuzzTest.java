package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.protocols.grpc.GrpcSchemas;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.FileDescriptorResponse;
import io.grpc.reflection.v1.ListServiceResponse;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real grpc-java server whose reflection answers are valid, then mutated (bytes flipped, cut, extended, replaced):
 * every outcome is schemas or one line, within the bound.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcReflectionFuzzTest {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private static final MethodDescriptor<byte[], byte[]> INFO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    @Test
    void mutated_reflection_answers_give_schemas_or_one_line() throws Exception {
        var random = new AtomicReference<Random>(new Random(0));
        var service = ServerServiceDefinition.builder("grpc.reflection.v1.ServerReflection")
                .addMethod(INFO, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] request) {
                        out.onNext(mutate(answer(request), random.get()));
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                }))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(service)
                .build()
                .start();
        try {
            int ok = 0;
            int failed = 0;
            for (long seed = 1; seed <= 60; seed++) {
                random.set(new Random(seed));
                long start = System.nanoTime();
                try {
                    var schemas =
                            GrpcSchemas.fromServerReflection("127.0.0.1", server.getPort(), Duration.ofSeconds(5));
                    assertThat(schemas).isNotNull();
                    ok++;
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage())
                            .as("seed %d", seed)
                            .startsWith("server reflection at 127.0.0.1:" + server.getPort() + ": ")
                            .doesNotContain("\n");
                    failed++;
                }
                assertThat(System.nanoTime() - start)
                        .as("seed %d within the bound", seed)
                        .isLessThan(TimeUnit.SECONDS.toNanos(8));
            }
            assertThat(ok).as("some answers survive mutation").isPositive();
            assertThat(failed).as("some do not").isPositive();
        } finally {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The honest answer of a server with the shop service. */
    private static byte[] answer(byte[] requestBytes) {
        ServerReflectionRequest request;
        try {
            request = ServerReflectionRequest.parseFrom(requestBytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var response = ServerReflectionResponse.newBuilder().setOriginalRequest(request);
        switch (request.getMessageRequestCase()) {
            case LIST_SERVICES ->
                response.setListServicesResponse(ListServiceResponse.newBuilder()
                        .addService(ServiceResponse.newBuilder().setName("shop.Orders")));
            case FILE_CONTAINING_SYMBOL ->
                response.setFileDescriptorResponse(FileDescriptorResponse.newBuilder()
                        .addFileDescriptorProto(ShopService.API_PROTO.toByteString())
                        .addFileDescriptorProto(ShopService.COMMON_PROTO.toByteString()));
            default ->
                response.setErrorResponse(
                        ErrorResponse.newBuilder().setErrorCode(5).setErrorMessage("not found"));
        }
        return response.build().toByteArray();
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        // Half of the answers are left whole, so that later requests (symbols, file names) are reached too.
        switch (random.nextInt(10)) {
            case 0 -> {
                var copy = bytes.clone();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return copy;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case 2 -> {
                var longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(20));
                for (int i = bytes.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                return longer;
            }
            case 3 -> {
                var noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                return noise;
            }
            case 4 -> {
                var copy = bytes.clone();
                copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                return copy;
            }
            default -> {
                return bytes;
            }
        }
    }
}
