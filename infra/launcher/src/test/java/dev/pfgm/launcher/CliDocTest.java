package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.shared.docs.GeneratedBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/cli.md ends with every command's --help, generated from the commands themselves: this test
 * fails when the two differ, and rewrites that part when run with -Dpfgm.docs.write=true
 * ({@code ./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true}).
 */
class CliDocTest {
    private static final String START = "<!-- reference: generated from each command's --help by CliDocTest -->";
    private static final String END = "<!-- end of reference -->";

    static String reference() {
        CommandLine cli = Main.commandLine();
        StringBuilder sb = new StringBuilder("```\n").append(cli.getUsageMessage().stripTrailing()).append("\n```\n");
        withSubcommands(cli).skip(1).forEach(c -> sb.append("\n### ")
                .append(c.getCommandSpec().qualifiedName(" ").replaceFirst("^\\./pfgm ", "")).append("\n\n```\n")
                .append(c.getUsageMessage().stripTrailing()).append("\n```\n"));
        return sb.toString();
    }

    /** The command, then each of its subcommands with theirs, depth first. */
    private static Stream<CommandLine> withSubcommands(CommandLine c) {
        return Stream.concat(Stream.of(c), c.getSubcommands().values().stream().flatMap(CliDocTest::withSubcommands));
    }

    @Test
    void theDocumentedHelpIsTheCommandsHelp() throws IOException {
        new GeneratedBlock(Path.of("../../docs/cli.md"), START, END,
                "./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true").check(reference());
    }

    /**
     * A header, description or footer of several strings is wrapped by hand, one string per line; a line
     * longer than the usage width is wrapped again by picocli, which left a word on a line of its own
     * ("60" / "s" / "while" in up's help). A single string is picocli's to wrap.
     */
    @Test
    void handWrappedLinesFitTheUsageWidth() {
        List<String> tooLong = withSubcommands(Main.commandLine()).flatMap(c -> {
            var usage = c.getCommandSpec().usageMessage();
            return Stream.of(usage.header(), usage.description(), usage.footer()).filter(lines -> lines.length > 1)
                    .flatMap(Stream::of)
                    .map(line -> line.replace("%n", "").replace("%%", "%"))
                    .filter(line -> line.length() > c.getUsageHelpWidth())
                    .map(line -> c.getCommandSpec().qualifiedName(" ") + ": " + line);
        }).toList();
        assertEquals(List.of(), tooLong);
    }
}
