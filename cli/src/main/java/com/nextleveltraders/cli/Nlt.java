package com.nextleveltraders.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code nlt} command: runs the platform and inspects its configuration and shards. */
@Command(name = "nlt", mixinStandardHelpOptions = true, version = "nlt 0.1.0",
        description = "NextLevel Traders: the paper-trading platform and everything that scales it.",
        subcommands = {UpCommand.class, ConfigCommand.class, ShardsCommand.class, ScaleCommand.class, AlertsCommand.class,
            MonitoringCommand.class, K8sCommand.class})
public final class Nlt {

    /** Exit code for a refused configuration or command line: nothing was started. */
    static final int USAGE = 2;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Nlt());
        commandLine.setExitCodeExceptionMapper(e -> USAGE);
        System.exit(commandLine.execute(args));
    }
}
