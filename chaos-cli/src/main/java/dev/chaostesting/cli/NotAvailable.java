package dev.chaostesting.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Commands that are planned but not built yet: they say so, whatever options they are given, and exit with 1. */
abstract class NotAvailable implements Callable<Integer> {

    @Unmatched
    List<String> ignored;

    @Spec
    CommandSpec spec;

    abstract String what();

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: " + spec.name() + " is not available yet: " + what());
        return 1;
    }
}

@Command(
        name = "generate",
        description =
                "Generate a runnable test suite (JUnit 5, pytest, Go, Rust, JavaScript) from a recording. Not available yet.")
final class GenerateCommand extends NotAvailable {
    @Override
    String what() {
        return "test generation is being built; record now with 'observe' and keep the recording, it will be the input";
    }
}
