package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathTemplateInferenceTest {

    private static List<String> keys(Traffic traffic) {
        return traffic.learn().endpoints().stream().map(Endpoint::key).toList();
    }

    private static Traffic gets(String... paths) {
        var traffic = new Traffic();
        for (var path : paths) {
            traffic.http("GET", path).respond(200, "{}").done();
        }
        return traffic;
    }

    @Test
    void distinct_numeric_ids_become_a_parameter_named_after_the_preceding_segment() {
        assertThat(keys(gets("/books/1", "/books/2", "/books/17"))).containsExactly("GET /books/{bookId}");
    }

    @Test
    void a_single_id_value_is_not_evidence_enough() {
        assertThat(keys(gets("/books/1", "/books/1"))).containsExactly("GET /books/1");
    }

    @Test
    void two_distinct_constant_siblings_do_not_become_a_parameter() {
        assertThat(keys(gets("/api/books", "/api/login", "/api/books")))
                .containsExactlyInAnyOrder("GET /api/books", "GET /api/login");
    }

    @Test
    void a_constant_sibling_of_ids_stays_constant() {
        assertThat(keys(gets("/users/me", "/users/41", "/users/42")))
                .containsExactlyInAnyOrder("GET /users/me", "GET /users/{userId}");
    }

    @Test
    void version_segments_stay_constant() {
        assertThat(keys(gets("/api/v1/status", "/api/v2/status")))
                .containsExactlyInAnyOrder("GET /api/v1/status", "GET /api/v2/status");
    }

    @Test
    void uuids_and_hashes_are_ids() {
        assertThat(keys(gets(
                        "/orders/3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e",
                        "/orders/7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                        "/blobs/9f86d081884c7d659a2feaa0c55ad015",
                        "/blobs/e3b0c44298fc1c149afbf4c8996fb924")))
                .containsExactlyInAnyOrder("GET /orders/{orderId}", "GET /blobs/{blobId}");
    }

    @Test
    void slugs_need_many_distinct_values() {
        assertThat(keys(gets("/posts/hello-world", "/posts/second-post")))
                .containsExactlyInAnyOrder("GET /posts/hello-world", "GET /posts/second-post");
        assertThat(keys(gets(
                        "/posts/hello-world",
                        "/posts/second-post",
                        "/posts/third-one",
                        "/posts/on-caching",
                        "/posts/why-tests")))
                .containsExactly("GET /posts/{postId}");
    }

    @Test
    void nested_ids_get_one_parameter_each_and_subtrees_merge() {
        assertThat(keys(gets("/books/1/reviews/10", "/books/2/reviews/11", "/books/3/reviews", "/books/4")))
                .containsExactlyInAnyOrder(
                        "GET /books/{bookId}", "GET /books/{bookId}/reviews", "GET /books/{bookId}/reviews/{reviewId}");
    }

    @Test
    void parameter_names_are_singular_and_fall_back_to_id() {
        assertThat(keys(gets("/categories/1", "/categories/2", "/5/x", "/6/x")))
                .containsExactlyInAnyOrder("GET /categories/{categoryId}", "GET /{id}/x");
    }

    @Test
    void methods_share_the_template_but_are_separate_endpoints() {
        var traffic = gets("/items/1");
        traffic.http("DELETE", "/items/2").status(204).done();
        assertThat(keys(traffic)).containsExactlyInAnyOrder("GET /items/{itemId}", "DELETE /items/{itemId}");
    }

    @Test
    void a_users_specification_names_templates_and_operations() throws Exception {
        var spec = ApiSpec.parse("""
                openapi: 3.1.0
                info: {title: t, version: '1'}
                paths:
                  /books/{isbn}:
                    get:
                      operationId: findBook
                      responses: {'200': {description: ok}}
                """);
        var traffic = gets("/books/978-0441478125", "/books/978-0441478125", "/authors/1", "/authors/2");
        var model = BehaviourLearner.create().withSpec(spec).learn(traffic.interactions());
        var book = Traffic.endpoint(model, "GET", "/books/{isbn}");
        assertThat(book.operationId()).isEqualTo("findBook");
        assertThat(book.parameter("isbn")).isNotNull();
        assertThat(Traffic.endpoint(model, "GET", "/authors/{authorId}").operationId())
                .isEqualTo("getAuthorsByAuthorId");
    }
}
