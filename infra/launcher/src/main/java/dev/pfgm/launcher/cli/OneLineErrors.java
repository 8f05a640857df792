package dev.pfgm.launcher.cli;

import dev.pfgm.engine.nn.ComputeDevice;
import dev.pfgm.shared.InvalidInputException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * What ./pfgm prints when a command cannot run: one line on stderr, never the usage or a stack
 * trace (scripts read that line), and the exit code that says whose fault it was.
 */
final class OneLineErrors {
    private OneLineErrors() {
    }

    /** Arguments picocli could not bind: exit 2, naming the command and the option. */
    static int badArguments(ParameterException error, String[] args) {
        CommandLine c = error.getCommandLine();
        ParameterException e = error;
        if (e instanceof CommandLine.MissingParameterException && !c.getUnmatchedArguments().isEmpty()) {
            // picocli checks the required options before it refuses an unknown one: "train --bogus"
            // said "--data is required" where the mistake is the option it does not know
            e = new CommandLine.UnmatchedArgumentException(c, c.getUnmatchedArguments());
        }
        PrintWriter err = c.getErr();
        if (c.getParent() == null && e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (!arg.startsWith("-")) {
                return unknownCommand(c, arg);
            }
            print(err, "unknown option " + arg + "; ./pfgm --help lists the commands");
        } else if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            // help asked for beside a mistake: the help, as before the mistake
            c.usage(c.getOut());
            return 0;
        } else {
            print(err, c.getCommandSpec().qualifiedName(" ").replaceFirst("^\\./pfgm ", "") + ": " + message(e));
        }
        err.flush();
        return Cli.BAD_INPUT;
    }

    /**
     * "error: " and the message on one line: a line break or other control character in it (an
     * option's value echoed back, say) is written as an escape, so a script reads one line.
     */
    static void print(PrintWriter err, String message) {
        StringBuilder line = new StringBuilder("error: ");
        message.codePoints().forEach(ch -> {
            if (Character.isISOControl(ch)) {
                line.append(ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : String.format(Locale.ROOT, "\\u%04x", ch));
            } else {
                line.appendCodePoint(ch);
            }
        });
        err.println(line);
    }

    /** A first argument that names no command: exit 2, listing the commands. */
    static int unknownCommand(CommandLine root, String name) {
        print(root.getErr(), "unknown command '" + name + "'; commands: "
                + String.join(", ", root.getSubcommands().keySet()));
        root.getErr().flush();
        return Cli.BAD_INPUT;
    }

    private static String message(ParameterException e) {
        CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            String options = spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp())
                    .map(OptionSpec::longestName).collect(Collectors.joining(", "));
            String what = arg.startsWith("--") ? "unknown option " + arg.replaceFirst("=.*", "")
                    : "unexpected argument '" + arg + "'";
            if (!arg.startsWith("-") && !spec.subcommands().isEmpty()) { // classifier fly: name the subcommands
                return what + "; subcommands are " + String.join(", ", spec.subcommands().keySet());
            }
            return what + (options.isEmpty() ? "; it takes no options" : "; options are " + options);
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec o) {
            // the whole group is missing (an option of it given without its value is the case below)
            if (o.group() != null && o.group().exclusive() && o.group().options().size() > 1
                    && e.getMessage().contains("Missing required argument")) {
                List<String> names = o.group().options().stream().map(OptionSpec::longestName).toList();
                return "one of " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                        + names.get(names.size() - 1) + " is required";
            }
            return o.longestName() + (e.getMessage().startsWith("Missing required option") ? " is required"
                    : " needs a value");
        }
        if (e instanceof CommandLine.OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec option) {
            return option.longestName() + " is given twice";
        }
        // "Invalid value for option '--count': 'abc' is not an int" -> "--count: 'abc' is not an integer";
        // some of picocli's messages (two options of an exclusive group) start "Error: ", which ours adds
        String first = e.getMessage().lines().findFirst().orElse("bad arguments").replaceFirst("^Error: ", "");
        if (e.getArgSpec() instanceof OptionSpec o && first.startsWith("Invalid value for option ")) {
            return o.longestName() + ": " + first.substring(first.indexOf("': ") + 3).replaceFirst(
                    "is not an? (int|long)$", "is not an integer").replaceFirst("is not a (double|float)$",
                    "is not a number");
        }
        return first;
    }

    /** A command that threw: bad input (exit 2), no backend here (4), or an internal failure (1). */
    static int failure(Throwable e, CommandLine c) {
        PrintWriter err = c.getErr();
        try {
            if (e instanceof InvalidInputException) {
                print(err, e.getMessage());
                return Cli.BAD_INPUT;
            }
            Optional<String> backend = ComputeDevice.unavailable(e);
            if (backend.isPresent()) {
                print(err, backend.get());
                return Cli.BACKEND_UNAVAILABLE;
            }
            String m = e.getMessage();
            print(err, c.getCommandName() + " failed: " + e.getClass().getSimpleName()
                    + (m == null ? "" : ": " + m.lines().findFirst().orElse("")));
            if (System.getenv("PFGM_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return Cli.FAILED;
        } finally {
            err.flush();
        }
    }
}
