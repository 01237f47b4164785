package dev.chaostesting.examples.backends;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.examples.backends.ExampleBackend.Bug;
import dev.chaostesting.examples.backends.ExampleBackend.Language;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each backend's API over real HTTP against its real store, and each bug switch made visible. */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // the first test of a language includes its cold build
class ExampleBackendsTest {

    @ParameterizedTest
    @EnumSource(Language.class)
    void login_crud_validation_not_found_and_unique_conflict(Language language) throws Exception {
        var samples = Samples.of(language);
        try (var backend = ExampleBackend.start(language, Bug.NONE)) {
            var api = new ApiClient(backend);
            var path = language.resourcePath();

            var wrongPassword = api.login("not-the-password");
            assertThat(wrongPassword.status()).as("%s", wrongPassword).isEqualTo(401);
            assertThat(wrongPassword.json().path("error").asText()).isNotEmpty();
            var anonymous = api.anonymous("GET", path, null);
            assertThat(anonymous.status()).as("%s", anonymous).isEqualTo(401);
            assertThat(anonymous.json().path("error").asText()).isNotEmpty();

            api.login();
            var invalid = api.call("POST", path, samples.invalid());
            assertThat(invalid.status()).as("%s", invalid).isEqualTo(language.validationStatus());
            assertThat(invalid.json().path("error").asText()).isEqualTo("validation_failed");
            var notJson = api.call("POST", path, "{\"unterminated");
            assertThat(notJson.status()).as("%s", notJson).isEqualTo(400);
            assertThat(notJson.json().path("error").asText()).isNotEmpty();

            var body = samples.create(tag());
            var created = api.call("POST", path, body);
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            var resource = created.json();
            body.forEach((field, value) ->
                    assertThat(resource.path(field).asText()).as(field).isEqualToIgnoringCase(value.toString()));
            var id = resource.path("id");
            if (samples.uuidIds()) {
                assertThat(UUID.fromString(id.asText()).toString()).isEqualTo(id.asText());
            } else {
                assertThat(id.isIntegralNumber()).as("serial id %s", id).isTrue();
                assertThat(id.asLong()).isPositive();
            }
            var createdAt = OffsetDateTime.parse(resource.path("created_at").asText());
            var updatedAt = OffsetDateTime.parse(resource.path("updated_at").asText());
            assertThat(updatedAt).isAfterOrEqualTo(createdAt);
            var one = path + "/" + id.asText();

            var read = api.call("GET", one, null);
            assertThat(read.status()).as("%s", read).isEqualTo(200);
            assertThat(read.json()).isEqualTo(resource);

            var second = api.call("POST", path, samples.create(tag()));
            assertThat(second.status()).as("%s", second).isEqualTo(201);
            var list = api.call("GET", path, null);
            assertThat(list.status()).as("%s", list).isEqualTo(200);
            assertThat(ids(list.json()))
                    .contains(id.asText(), second.json().path("id").asText());

            var duplicate = api.call("POST", path, body);
            assertThat(duplicate.status()).as("%s", duplicate).isEqualTo(409);
            assertThat(duplicate.json().path("error").asText()).isEqualTo("conflict");

            var updated = api.call(language.updateMethod(), one, samples.update("changed " + tag()));
            assertThat(updated.status()).as("%s", updated).isEqualTo(200);
            var newValue = updated.json().path(samples.updatedField()).asText();
            assertThat(newValue).startsWith("changed ");
            assertThat(OffsetDateTime.parse(updated.json().path("updated_at").asText()))
                    .isAfterOrEqualTo(createdAt);
            assertThat(updated.json().path("created_at")).isEqualTo(resource.path("created_at"));
            var reread = api.call("GET", one, null);
            assertThat(reread.json().path(samples.updatedField()).asText()).isEqualTo(newValue);

            var missing = api.call("GET", path + "/" + samples.missingId(), null);
            assertThat(missing.status()).as("%s", missing).isEqualTo(404);
            assertThat(missing.json().path("error").asText()).isEqualTo("not_found");
            var missingUpdate =
                    api.call(language.updateMethod(), path + "/" + samples.missingId(), samples.update("x"));
            assertThat(missingUpdate.status()).as("%s", missingUpdate).isEqualTo(404);

            var deleted = api.call("DELETE", one, null);
            assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
            assertThat(api.call("GET", one, null).status()).isEqualTo(404);
            assertThat(api.call("DELETE", one, null).status()).isEqualTo(404);
            assertThat(ids(api.call("GET", path, null).json())).doesNotContain(id.asText());
            // The unique value is free again once its owner is deleted.
            assertThat(api.call("POST", path, body).status()).isEqualTo(201);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void bug_wrong_field_renames_a_field_of_a_single_resource(Language language) throws Exception {
        var samples = Samples.of(language);
        try (var backend = ExampleBackend.start(language, Bug.WRONG_FIELD)) {
            var api = new ApiClient(backend);
            api.login();
            var created = api.call("POST", language.resourcePath(), samples.create(tag()));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            assertThat(created.json().has(samples.renamedField())).isTrue();
            var read = api.call(
                    "GET",
                    language.resourcePath() + "/" + created.json().path("id").asText(),
                    null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().has(samples.renamedField()))
                    .as("%s has %s", read, samples.renamedField())
                    .isFalse();
            assertThat(read.json().path(samples.renamedTo()))
                    .isEqualTo(created.json().path(samples.renamedField()));
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void bug_wrong_status_answers_200_to_a_create(Language language) throws Exception {
        var samples = Samples.of(language);
        try (var backend = ExampleBackend.start(language, Bug.WRONG_STATUS)) {
            var api = new ApiClient(backend);
            api.login();
            var created = api.call("POST", language.resourcePath(), samples.create(tag()));
            assertThat(created.status()).as("%s", created).isEqualTo(200);
            var read = api.call(
                    "GET",
                    language.resourcePath() + "/" + created.json().path("id").asText(),
                    null);
            assertThat(read.status())
                    .as("the resource was created all the same")
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void bug_lost_write_acknowledges_an_update_it_does_not_store(Language language) throws Exception {
        var samples = Samples.of(language);
        try (var backend = ExampleBackend.start(language, Bug.LOST_WRITE)) {
            var api = new ApiClient(backend);
            api.login();
            var created = api.call("POST", language.resourcePath(), samples.create(tag()));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            var one = language.resourcePath() + "/" + created.json().path("id").asText();
            var updated = api.call(language.updateMethod(), one, samples.update("lost " + tag()));
            assertThat(updated.status()).as("%s", updated).isEqualTo(200);
            assertThat(updated.json().path(samples.updatedField()).asText()).startsWith("lost ");
            var read = api.call("GET", one, null);
            assertThat(read.json().path(samples.updatedField()))
                    .as("stored value after the acknowledged update")
                    .isEqualTo(created.json().path(samples.updatedField()));
        }
    }

    @org.junit.jupiter.api.Test
    void go_projects_have_tasks() throws Exception {
        try (var backend = ExampleBackend.start(Language.GO, Bug.NONE)) {
            var api = new ApiClient(backend);
            api.login();
            var project =
                    api.call("POST", "/api/projects", Samples.of(Language.GO).create(tag()));
            assertThat(project.status()).as("%s", project).isEqualTo(201);
            var tasks = "/api/projects/" + project.json().path("id").asText() + "/tasks";
            assertThat(api.call("GET", tasks, null).json().size()).isZero();
            var task = api.call("POST", tasks, java.util.Map.of("title", "write the docs"));
            assertThat(task.status()).as("%s", task).isEqualTo(201);
            assertThat(task.json().path("project_id")).isEqualTo(project.json().path("id"));
            assertThat(task.json().path("done").asBoolean()).isFalse();
            assertThat(ids(api.call("GET", tasks, null).json()))
                    .containsExactly(task.json().path("id").asText());
            var invalid = api.call("POST", tasks, java.util.Map.of("title", ""));
            assertThat(invalid.status()).as("%s", invalid).isEqualTo(400);
            var orphan = api.call(
                    "POST",
                    "/api/projects/" + Samples.of(Language.GO).missingId() + "/tasks",
                    java.util.Map.of("title", "t"));
            assertThat(orphan.status()).as("%s", orphan).isEqualTo(404);
            // Deleting the project deletes its tasks (ON DELETE CASCADE).
            assertThat(api.call(
                                    "DELETE",
                                    "/api/projects/" + project.json().path("id").asText(),
                                    null)
                            .status())
                    .isEqualTo(204);
            assertThat(api.call("GET", tasks, null).status()).isEqualTo(404);
        }
    }

    /** The ids of a list answer: a JSON array, or an object with {@code items}. */
    static List<String> ids(JsonNode list) {
        var items = list.isArray() ? list : list.path("items");
        assertThat(items.isArray()).as("list %s", list).isTrue();
        var ids = new ArrayList<String>();
        items.forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
