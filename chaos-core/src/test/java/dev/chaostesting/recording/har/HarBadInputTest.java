package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What is not HAR fails with one line that names the input and, for a bad entry, its index. */
class HarBadInputTest {

    private static final String GOOD =
            "{\"request\": {\"method\": \"GET\", \"url\": \"http://h/\"}, \"response\": {\"status\": 200}}";

    @Test
    void notJson() {
        assertThatThrownBy(() -> read("hello, world"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("input is not a HAR file: not valid JSON at line 1, column ")
                .hasMessageContaining("Unrecognized token 'hello'")
                .hasMessageNotContaining("\n");
    }

    @Test
    void emptyInput() {
        assertThatThrownBy(() -> read("")).hasMessage("input is not a HAR file: it is empty");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[]",
                "42",
                "{}",
                "{\"entries\": []}",
                "{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"x\", \"version\": \"1\"}}}",
                "{\"log\": {\"entries\": {}}}",
                "{\"log\": [{\"entries\": []}]}",
                "{\"interactions\": [{\"sequence\": 1}]}"
            })
    void jsonWithoutLogEntries(String json) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(IOException.class)
                .hasMessage("input is not a HAR file: no log.entries");
    }

    @Test
    void anEmptyLogIsFine() throws IOException {
        assertThat(Har.read(HarTolerantImportTest.har())).isEmpty();
    }

    @Test
    void entryWithoutRequest() {
        assertThatThrownBy(() -> Har.read(HarTolerantImportTest.har(GOOD, "{\"response\": {\"status\": 200}}")))
                .isInstanceOf(IOException.class)
                .hasMessage("input: log.entries[1]: no request");
    }

    @Test
    void requestWithoutMethodOrUrl() {
        assertThatThrownBy(() -> Har.read(HarTolerantImportTest.har("{\"request\": {\"url\": \"http://h/\"}}")))
                .hasMessage("input: log.entries[0]: request has no method");
        assertThatThrownBy(() -> Har.read(
                        HarTolerantImportTest.har(GOOD, GOOD, "{\"request\": {\"method\": \"GET\", \"url\": \"\"}}")))
                .hasMessage("input: log.entries[2]: request has no url");
    }

    @Test
    void entryThatIsNotAnObject() {
        assertThatThrownBy(() -> Har.read(HarTolerantImportTest.har(GOOD, "\"GET /\"")))
                .hasMessage("input: log.entries[1] is not an object");
    }

    @Test
    void badDate() {
        var entry = "{\"startedDateTime\": \"yesterday\", \"request\": {\"method\": \"GET\", \"url\": \"http://h/\"}}";
        assertThatThrownBy(() -> Har.read(HarTolerantImportTest.har(entry)))
                .hasMessage("input: log.entries[0]: startedDateTime 'yesterday' is not an ISO-8601 date and time");
    }

    @Test
    void cutShortAfterSomeEntriesHandsOverThoseFirst() {
        var json = "{\"log\": {\"entries\": [" + GOOD + ", " + GOOD + ", {\"request\": {\"meth";
        var handed = new ArrayList<Interaction>();

        assertThatThrownBy(() -> Har.read(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "cut.har", handed::add))
                .hasMessageStartingWith("cut.har is not a HAR file: not valid JSON at line 1, column ")
                .hasMessageContaining("end-of-input");
        assertThat(handed).hasSize(2);
    }

    @Test
    void readingAFileNamesTheFile(@TempDir Path dir) throws IOException {
        var file = dir.resolve("traffic.har");
        Files.writeString(file, "{\"log\": {\"version\": \"1.2\"}}");

        assertThatThrownBy(() -> Har.read(file)).hasMessage(file + " is not a HAR file: no log.entries");

        Files.writeString(file, "{\"log\": {\"entries\": [" + GOOD + "]}}");
        assertThat(Har.read(file)).hasSize(1);
    }

    private static void read(String text) throws IOException {
        Har.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
