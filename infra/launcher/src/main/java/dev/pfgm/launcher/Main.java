package dev.pfgm.launcher;

import dev.pfgm.launcher.cli.BenchCommand;
import dev.pfgm.launcher.cli.ClassifierCommand;
import dev.pfgm.launcher.cli.Command;
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
import dev.pfgm.shared.InvalidInputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of ./pfgm. Exit codes: 0 success, 2 bad input (one line on stderr naming it),
 * 1 an internal failure (one line; PFGM_DEBUG=1 adds the stack trace), 4 the compute backend
 * cannot start on this machine (one line saying what is missing).
 */
public final class Main {
    /** Exit code when ND4J's native backend cannot start here (no NVIDIA driver for the CUDA build, say). */
    public static final int BACKEND_UNAVAILABLE = 4;

    private Main() {
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : List.of(new TrainCommand(), new SampleCommand(), new SynthesizeCommand(), new NllCommand(), EncodeCommand.encode(),
                EncodeCommand.decode(), new InterpolateCommand(), new ClassifierCommand(), new EvalCommand(), new BenchCommand(), new ImageBenchCommand(), new PeerBenchCommand(), new UpCommand(), new GatewayCommand(), new WorkerCommand(),
                new ServiceBenchCommand(), new SoakBenchCommand(), new dev.pfgm.launcher.cli.sampling.SamplingBenchCommand(),
                new dev.pfgm.launcher.cli.sampling.LikelihoodBenchCommand())) {
            m.put(c.name(), c);
        }
        for (Command c : dev.pfgm.launcher.cli.ClientCommands.all()) {
            m.put(c.name(), c);
        }
        return m;
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        Map<String, Command> commands = commands();
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.println(usage(commands));
            return argv.length == 0 ? 2 : 0;
        }
        Command c = commands.get(argv[0]);
        if (c == null) {
            System.err.println("error: unknown command '" + argv[0] + "'; commands: "
                    + String.join(", ", commands.keySet()));
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            System.out.println(c.usage());
            return 0;
        }
        try {
            c.run(rest);
            return 0;
        } catch (InvalidInputException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception | Error e) {
            java.util.Optional<String> backend = dev.pfgm.engine.nn.ComputeDevice.unavailable(e);
            if (backend.isPresent()) {
                System.err.println("error: " + backend.get());
                return BACKEND_UNAVAILABLE;
            }
            System.err.println("error: " + c.name() + " failed: " + describe(e));
            if (System.getenv("PFGM_DEBUG") != null) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    static String usage(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder("usage: ./pfgm COMMAND [options]   (./pfgm COMMAND --help for details)\n");
        commands.values().forEach(c -> sb.append(String.format("  %-8s %s%n", c.name(), c.summary())));
        return sb.toString().stripTrailing();
    }
}
