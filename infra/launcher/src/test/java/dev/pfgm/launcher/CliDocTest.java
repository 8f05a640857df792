package dev.pfgm.launcher;

import dev.pfgm.shared.docs.GeneratedBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
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
        append(sb, cli.getSubcommands().values());
        return sb.toString();
    }

    private static void append(StringBuilder sb, Collection<CommandLine> commands) {
        for (CommandLine c : commands) {
            String name = c.getCommandSpec().qualifiedName(" ").replaceFirst("^\\./pfgm ", "");
            sb.append("\n### ").append(name).append("\n\n```\n").append(c.getUsageMessage().stripTrailing())
                    .append("\n```\n");
            append(sb, c.getSubcommands().values());
        }
    }

    @Test
    void theDocumentedHelpIsTheCommandsHelp() throws IOException {
        new GeneratedBlock(Path.of("../../docs/cli.md"), START, END,
                "./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true").check(reference());
    }
}
