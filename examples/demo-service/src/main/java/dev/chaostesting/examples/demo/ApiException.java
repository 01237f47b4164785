package dev.chaostesting.examples.demo;

/**
 * An error answer thrown from wherever it is detected (input parsing, lookups, authentication), so each endpoint reads
 * as its successful path and every error goes out through the same writer.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Response response;

    ApiException(Response response) {
        // Control flow, not a failure: no stack trace to fill in.
        super("HTTP " + response.status(), null, false, false);
        this.response = response;
    }

    Response response() {
        return response;
    }

    static ApiException badRequest(String message, String field) {
        var body = Json.error(message);
        if (field != null) {
            body.put("field", field);
        }
        return new ApiException(Response.json(400, body));
    }

    static ApiException unauthorized(String message, boolean tokenPresented) {
        // RFC 6750: tell a client that sent a token that the token itself is the problem.
        var challenge =
                tokenPresented ? "Bearer realm=\"bookshop\", error=\"invalid_token\"" : "Bearer realm=\"bookshop\"";
        return new ApiException(Response.json(401, Json.error(message)).withHeader("WWW-Authenticate", challenge));
    }

    static ApiException bookNotFound(String id) {
        return new ApiException(Response.json(404, Json.error("book not found").put("id", id)));
    }

    static ApiException noRoute(String path) {
        return new ApiException(
                Response.json(404, Json.error("no such endpoint").put("path", path)));
    }

    static ApiException methodNotAllowed(String allow) {
        return new ApiException(
                Response.json(405, Json.error("method not allowed")).withHeader("Allow", allow));
    }

    static ApiException conflict(String message, String existingId) {
        return new ApiException(Response.json(409, Json.error(message).put("id", existingId)));
    }

    static ApiException payloadTooLarge(int limit) {
        return new ApiException(Response.json(413, Json.error("request body larger than " + limit + " bytes")));
    }

    static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(Response.json(415, Json.error("expected application/json, got " + contentType)));
    }
}
