package dev.pfgm.launcher.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * This project's conventions on top of picocli, for ./pfgm's command line: exit 0 on success, 2 on
 * bad input with one line on stderr naming it, 1 on an internal failure (one line; PFGM_DEBUG=1
 * adds the stack trace), 4 when the compute backend cannot start here; help as plain text.
 */
public final class Cli {
    public static final int BAD_INPUT = 2;
    public static final int FAILED = 1;
    /** Exit code when ND4J's native backend cannot start here (no NVIDIA driver for the CUDA build, say). */
    public static final int BACKEND_UNAVAILABLE = 4;

    private Cli() {
    }

    /** The command line, its help plain text 100 columns wide, errors one line each. */
    public static CommandLine configure(CommandLine cli) {
        // an argument "@FILE" stays itself: the arguments are not read from files a client names
        cli.setExpandAtFiles(false);
        // empty values and NUL characters are refused for every text and path option, naming it
        cli.registerConverter(String.class, Cli::text);
        cli.registerConverter(Path.class, value -> Path.of(text(value)));
        // numbers are ASCII decimals: Java's parsers also took Unicode digits, hex floats (0x1p3) and
        // a d or f suffix, which no user means and a script's typo should not become
        cli.registerConverter(Integer.class, Cli::integer);
        cli.registerConverter(int.class, Cli::integer);
        cli.registerConverter(Long.class, Cli::whole);
        cli.registerConverter(long.class, Cli::whole);
        cli.registerConverter(Double.class, Cli::decimal);
        cli.registerConverter(double.class, Cli::decimal);
        cli.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        cli.setParameterExceptionHandler(OneLineErrors::badArguments);
        cli.setExecutionExceptionHandler((e, c, parsed) -> OneLineErrors.failure(e, c));
        cli.setUsageHelpWidth(100);
        layout(cli);
        return cli;
    }

    /** The one line and exit code of a first argument that names no command. */
    public static int unknownCommand(CommandLine root, String name) {
        return OneLineErrors.unknownCommand(root, name);
    }

    /** The one line and exit code of a command that threw (see {@link OneLineErrors}). */
    public static int failure(Throwable e, CommandLine command) {
        return OneLineErrors.failure(e, command);
    }

    /**
     * Options in the order declared, the synopsis as written; and each command's model transformer
     * applied (picocli applies them to a hierarchy it builds from annotations; ./pfgm adds its
     * commands one by one, only those a call needs).
     */
    private static void layout(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        spec.usageMessage().sortOptions(false).sortSynopsis(false).optionListHeading("%nOptions:%n")
                .commandListHeading("%nCommands:%n").footerHeading("%n");
        if (spec.modelTransformer() != null) {
            spec.modelTransformer().transform(spec);
        }
        cli.getSubcommands().values().forEach(Cli::layout);
    }

    /** Any text, empty included, for an option where empty means something (a converter overrides the rule). */
    public static final class AnyText implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value;
        }
    }

    private static String text(String value) {
        if (value.isBlank()) {
            throw new CommandLine.TypeConversionException("must not be empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw new CommandLine.TypeConversionException("contains a NUL character");
        }
        return value;
    }

    private static Integer integer(String value) {
        long v = whole(value);
        if (v != (int) v) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an integer (out of range)");
        }
        return (int) v;
    }

    private static Long whole(String value) {
        Long v = Check.wholeNumber(value);
        if (v == null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an integer"
                    + (value.matches("[+-]?[0-9]+") ? " (out of range)" : ""));
        }
        return v;
    }

    private static Double decimal(String value) {
        Double v = Check.decimalNumber(value);
        if (v == null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
        }
        return v;
    }

    /** --version: the launcher jar's version (a development build has none). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"pfgm " + Optional.ofNullable(v).orElse("(development build)")};
        }
    }
}
