package dev.chaostesting.codegen;

/** {@link GenerationProofTest} for {@link Service#NODE}. */
class NodeBackendGenerationTest extends GenerationProofTest {
    @Override
    Service service() {
        return Service.NODE;
    }
}
