package dev.pfgm.launcher;

import dev.pfgm.launcher.cli.BenchCommand;
import dev.pfgm.launcher.cli.ClassifierCommand;
import dev.pfgm.launcher.cli.Cli;
import dev.pfgm.launcher.cli.ClientCommands;
import dev.pfgm.launcher.cli.CompletionCommand;
import dev.pfgm.launcher.cli.DecodeCommand;
import dev.pfgm.launcher.cli.EncodeCommand;
import dev.pfgm.launcher.cli.EvalCommand;
import dev.pfgm.launcher.cli.GatewayCommand;
import dev.pfgm.launcher.cli.ImageBenchCommand;
import dev.pfgm.launcher.cli.InterpolateCommand;
import dev.pfgm.launcher.cli.NllCommand;
import dev.pfgm.launcher.cli.PeerBenchCommand;
import dev.pfgm.launcher.cli.SampleCommand;
import dev.pfgm.launcher.cli.ServiceBenchCommand;
import dev.pfgm.launcher.cli.SoakBenchCommand;
import dev.pfgm.launcher.cli.SynthesizeCommand;
import dev.pfgm.launcher.cli.TrainCommand;
import dev.pfgm.launcher.cli.UpCommand;
import dev.pfgm.launcher.cli.WorkerCommand;
import dev.pfgm.launcher.cli.sampling.LikelihoodBenchCommand;
import dev.pfgm.launcher.cli.sampling.SamplingBenchCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Entry point of ./pfgm and its list of commands (declared with picocli; the conventions are
 * {@link Cli}'s). Exit codes: 0 success, 2 bad input (one line on stderr naming it), 1 an internal
 * failure (one line; PFGM_DEBUG=1 adds the stack trace), 4 the compute backend cannot start on this
 * machine (one line saying what is missing).
 */
@Command(name = "./pfgm", versionProvider = Cli.Version.class,
        description = "Poisson flow generative models: train, sample, synthesize, score, and the job service.",
        footer = "./pfgm COMMAND --help describes a command.")
public final class Main implements Callable<Integer> {
    /** The commands, in the order the help lists them. */
    static final List<Class<?>> COMMANDS = List.of(TrainCommand.class, SampleCommand.class, SynthesizeCommand.class,
            NllCommand.class, EncodeCommand.class, DecodeCommand.class, InterpolateCommand.class,
            ClassifierCommand.class, EvalCommand.class, BenchCommand.class, ImageBenchCommand.class,
            PeerBenchCommand.class, UpCommand.class, GatewayCommand.class, WorkerCommand.class,
            ServiceBenchCommand.class, SoakBenchCommand.class, SamplingBenchCommand.class,
            LikelihoodBenchCommand.class, ClientCommands.Upload.class, ClientCommands.Submit.class,
            ClientCommands.Status.class, ClientCommands.Wait.class, ClientCommands.Download.class,
            ClientCommands.Cancel.class, ClientCommands.Jobs.class, ClientCommands.Datasets.class,
            ClientCommands.Models.class, ClientCommands.Delete.class,
            CompletionCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "show this help")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "show the version")
    boolean version;

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    /** Without a command: the command list, and exit 2 (nothing was asked for). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Cli.BAD_INPUT;
    }

    /** Every command. */
    static CommandLine commandLine() {
        return commandLine(COMMANDS);
    }

    /**
     * The command the arguments name, alone: picocli builds each command's model by reflection, a
     * few hundred milliseconds for all of them, which a script calling ./pfgm status need not wait
     * for. Help, completion and an unknown command get every command.
     */
    static CommandLine commandLine(String[] argv) {
        for (Class<?> c : COMMANDS) {
            String name = c.getAnnotation(Command.class).name();
            if (argv.length > 0 && argv[0].equals(name) && c != CompletionCommand.class) {
                return commandLine(List.of(c));
            }
        }
        return commandLine();
    }

    private static CommandLine commandLine(List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new Main());
        commands.forEach(cli::addSubcommand);
        return Cli.configure(cli);
    }

    static int run(String[] argv) {
        CommandLine cli = commandLine(argv);
        if (argv.length > 0 && !argv[0].startsWith("-") && !cli.getSubcommands().containsKey(argv[0])) {
            // before picocli, which would print the help for "./pfgm fly --help": the command is what is wrong
            return Cli.unknownCommand(cli, argv[0]);
        }
        try {
            return cli.execute(argv);
        } catch (Error e) {
            // picocli hands only Exceptions to the handler: a backend that cannot load throws Errors
            List<CommandLine> parsed = cli.getParseResult() == null ? List.of(cli)
                    : cli.getParseResult().asCommandLineList();
            return Cli.failure(e, parsed.get(parsed.size() - 1));
        }
    }
}
