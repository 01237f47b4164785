package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseWriterTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "gzip                | true",
                "GZIP                | true",
                "deflate, gzip       | true",
                "gzip;q=0.5          | true",
                "x-gzip              | true",
                "*                   | true",
                "gzip;q=0, *         | false",
                "gzip; q=0.0         | false",
                "*;q=0               | false",
                "identity            | false",
                "br, deflate         | false",
                "gzip;q=nonsense     | false",
            })
    void acceptEncodingIsParsedWithQualities(String header, boolean accepted) {
        var headers = new Headers();
        headers.add("Accept-Encoding", header);

        assertThat(ResponseWriter.acceptsGzip(headers)).isEqualTo(accepted);
    }
}
