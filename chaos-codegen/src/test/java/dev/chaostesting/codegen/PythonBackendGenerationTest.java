package dev.chaostesting.codegen;

/** {@link GenerationProofTest} for {@link Service#PYTHON}. */
class PythonBackendGenerationTest extends GenerationProofTest {
    @Override
    Service service() {
        return Service.PYTHON;
    }
}
