package dev.chaostesting.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.learn.BehaviourModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestGenerationTest {
    @TempDir
    Path dir;

    @Test
    void the_five_languages_are_found_with_the_service_loader() {
        var generators = TestGeneration.generators();
        assertThat(generators).containsOnlyKeys("go", "java", "javascript", "python", "rust");
        assertThat(generators.get("java").frameworks()).first().isEqualTo("junit5");
        assertThat(generators.get("python").frameworks()).containsExactly("pytest");
    }

    @Test
    void unknown_languages_and_frameworks_are_refused_with_the_known_ones() {
        var model = BehaviourModel.builder().build();
        assertThatThrownBy(() -> TestGeneration.generate(model, GenerationOptions.of("cobol", dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cobol")
                .hasMessageContaining("python");
        assertThatThrownBy(() -> TestGeneration.generate(
                        model, GenerationOptions.of("java", dir).withFramework("testng")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("junit5");
    }

    @Test
    void the_model_is_read_from_a_model_json_file_or_a_directory_holding_one() throws Exception {
        var model = BehaviourModel.builder().source("rec").interactions(3).build();
        dev.chaostesting.learn.ModelJson.write(model, dir.resolve("model.json"));
        assertThat(TestGeneration.loadModel(dir).interactions()).isEqualTo(3);
        assertThat(TestGeneration.loadModel(dir.resolve("model.json")).source()).isEqualTo("rec");
    }

    @Test
    void an_empty_model_gives_a_project_with_no_tests_and_a_readme() throws Exception {
        var result = TestGeneration.generate(BehaviourModel.builder().build(), GenerationOptions.of("js", dir));
        assertThat(result.language()).isEqualTo("javascript");
        assertThat(result.plan().testCount()).isZero();
        assertThat(result.files()).contains("package.json", "README.md", "support.js");
    }
}
