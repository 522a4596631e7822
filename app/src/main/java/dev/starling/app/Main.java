package dev.starling.app;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code starling} command. */
@Command(name = "starling", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Starling: a self-hostable microblogging network with its own generative AI.",
        subcommands = {ServeCommand.class, DemoCommand.class, ImportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand, including those found through {@link StarlingSubcommand}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (StarlingSubcommand extra : ServiceLoader.load(StarlingSubcommand.class)) {
            cl.addSubcommand(extra);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            // Expected failures (a file that cannot be read, a database that cannot be reached, a bad
            // option value) get one line; anything else is a bug and keeps its stack trace.
            boolean expected = e instanceof java.io.UncheckedIOException || e instanceof IllegalArgumentException
                    || e instanceof java.io.IOException || e instanceof dev.starling.social.db.DatabaseException;
            command.getErr().println("starling " + command.getCommandName() + ": " + e.getMessage());
            if (!expected) e.printStackTrace(command.getErr());
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"starling " + (v == null ? "0.1.0-SNAPSHOT" : v),
                    "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
