package dev.chaostesting.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the one line a user reads. */
final class Errors {

    private Errors() {}

    static String oneLine(Throwable e) {
        var cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UserError || cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            // Our IllegalArgumentExceptions name the value and what was expected: that is the whole story.
            return cause.getMessage();
        }
        if (cause instanceof NoSuchFileException n) {
            return n.getMessage().contains(" ") ? n.getMessage() : "no such file or directory: " + n.getMessage();
        }
        if (cause instanceof FileAlreadyExistsException f) {
            return f.getMessage().contains(" ")
                    ? f.getMessage()
                    : "already exists: " + f.getMessage() + " (choose another path)";
        }
        if (cause instanceof AccessDeniedException a) {
            return "permission denied: " + a.getMessage();
        }
        var message = cause.getMessage();
        if (message == null || message.isBlank()) {
            message = cause.getClass().getSimpleName();
        }
        int nl = message.indexOf('\n');
        var line = nl < 0 ? message : message.substring(0, nl);
        return line + " (run with --verbose for details)";
    }

    /** A runtime error whose message is already the line to show. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }
}
