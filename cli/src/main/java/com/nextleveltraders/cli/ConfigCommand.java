package com.nextleveltraders.cli;

import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Show or check the platform's configuration.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Check.class})
final class ConfigCommand {

    @Command(name = "show", description = "Print the effective configuration (defaults with FILE applied).")
    static final class Show implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "a YAML file overriding the defaults")
        Path file;

        @Override
        public Integer call() {
            PlatformConfig config = load(file);
            if (config == null) {
                return Nlt.USAGE;
            }
            System.out.print(ConfigLoader.toYaml(config));
            return 0;
        }
    }

    @Command(name = "check", description = "Validate a configuration file; exit 0 when valid, 2 when not.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            if (load(file) == null) {
                return Nlt.USAGE;
            }
            System.out.println(file + ": valid");
            return 0;
        }
    }

    /** The configuration, or null after printing every problem to stderr. */
    static PlatformConfig load(Path file) {
        try {
            return ConfigLoader.load(file == null ? List.of() : List.of(file));
        } catch (ConfigException e) {
            System.err.println("invalid configuration" + (file == null ? "" : " in " + file) + ":");
            for (String problem : e.problems()) {
                System.err.println("  " + problem);
            }
            return null;
        }
    }

    private ConfigCommand() {
    }
}
