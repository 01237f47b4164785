package dev.chaostesting.codegen;

/** {@link GenerationProofTest} for {@link Service#GO}. */
class GoBackendGenerationTest extends GenerationProofTest {
    @Override
    Service service() {
        return Service.GO;
    }
}
