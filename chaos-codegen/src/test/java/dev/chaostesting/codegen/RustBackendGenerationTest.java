package dev.chaostesting.codegen;

/** {@link GenerationProofTest} for {@link Service#RUST}. */
class RustBackendGenerationTest extends GenerationProofTest {
    @Override
    Service service() {
        return Service.RUST;
    }
}
