package dev.chaostesting.cli;

import dev.chaostesting.control.ControlServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        description = {
            "Serve the control API: an HTTP/JSON API (OpenAPI at /openapi.json) to create interceptors, inject and remove"
                    + " faults and read recordings, so that tests in any language can drive chaos (docs/control-api.md).",
            "Loopback only unless a token is set."
        })
final class ServeCommand implements Callable<Integer> {

    @Option(
            names = "--listen",
            paramLabel = "[HOST:]PORT",
            defaultValue = "127.0.0.1:7070",
            description = "Where the API listens (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' (at least 16 characters; default: env CHAOS_TOKEN).")
    String token;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var secret = token != null ? token : System.getenv("CHAOS_TOKEN");
        var options = ControlServer.Options.defaults().listen(listen).token(secret);
        ControlServer server;
        try {
            server = ControlServer.start(options);
        } catch (IOException e) {
            throw new Errors.UserError(e.getMessage());
        }
        var closing = new Thread(server::close, "chaos-serve-stop");
        Runtime.getRuntime().addShutdownHook(closing);
        var err = spec.commandLine().getErr();
        err.printf(
                "control API on %s (OpenAPI: %sopenapi.json)%s; Ctrl-C stops%n",
                server.baseUri(), server.baseUri(), secret == null || secret.isEmpty() ? "" : ", token required");
        err.flush();
        try {
            server.awaitClose();
        } finally {
            server.close();
        }
        return 0;
    }
}
