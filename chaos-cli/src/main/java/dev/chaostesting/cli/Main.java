package dev.chaostesting.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code chaos-testing} command. Exit codes: 0 ok, 1 runtime error, 2 usage error. */
@Command(
        name = "chaos-testing",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Observe a backend at the network level, learn its behaviour, generate tests, inject failures.",
        subcommands = {
            ObserveCommand.class,
            InspectCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            LearnCommand.class,
            DemoCommand.class,
            GenerateCommand.class,
            ChaosCommand.class,
            ServeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Option(names = "--verbose", description = "Print stack traces with errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command, e.g. 'chaos-testing demo'");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code, printing to the given writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var main = new Main();
        var cli = new CommandLine(main);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().println("error: " + Errors.oneLine(e));
            commandLine.getErr().flush();
            return 1;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            var commandLine = e.getCommandLine();
            commandLine.getErr().println("error: " + e.getMessage());
            commandLine
                    .getErr()
                    .println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
            commandLine.getErr().flush();
            return 2;
        });
        return cli.execute(args);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"chaos-testing " + (v == null ? "dev" : v)};
        }
    }
}
