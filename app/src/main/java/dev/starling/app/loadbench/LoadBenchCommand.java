package dev.starling.app.loadbench;

import dev.starling.app.StarlingSubcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code starling loadbench}: the network load benchmark. {@code seed} fills an empty database
 * with a synthetic network and issues tokens; {@code run} drives a running {@code starling serve}
 * with one workload and prints throughput and latency percentiles; {@code capacity} finds the open-loop rate
 * the generator and server keep up with together. {@code scripts/bench-network.sh}
 * runs the whole benchmark (with {@code pgbench -S} beside it) in one command.
 */
@Command(name = "loadbench", mixinStandardHelpOptions = true,
        description = "Network load benchmark: seed a synthetic network, then measure post creation and home timelines over HTTP.",
        subcommands = {SeedCommand.class, RunCommand.class, CapacityCommand.class, CeilingCommand.class, CommandLine.HelpCommand.class})
public final class LoadBenchCommand implements StarlingSubcommand, Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
