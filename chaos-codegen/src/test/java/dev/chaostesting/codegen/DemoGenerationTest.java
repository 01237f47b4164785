package dev.chaostesting.codegen;

/** {@link GenerationProofTest} for {@link Service#DEMO}. */
class DemoGenerationTest extends GenerationProofTest {
    @Override
    Service service() {
        return Service.DEMO;
    }
}
