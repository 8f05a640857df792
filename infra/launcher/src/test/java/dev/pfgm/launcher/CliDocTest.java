package dev.pfgm.launcher;

import dev.pfgm.launcher.cli.Command;
import dev.pfgm.shared.docs.GeneratedBlock;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/cli.md ends with every command's --help, generated from the commands themselves: this test
 * fails when the two differ, and rewrites that part when run with -Dpfgm.docs.write=true
 * ({@code ./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true}).
 */
class CliDocTest {
    private static final String START = "<!-- reference: generated from each command's --help by CliDocTest -->";
    private static final String END = "<!-- end of reference -->";

    static String reference() {
        StringBuilder sb = new StringBuilder("```\n").append(Main.usage(Main.commands())).append("\n```\n");
        for (Command c : Main.commands().values()) {
            sb.append("\n### ").append(c.name()).append("\n\n```\n").append(c.usage().stripTrailing()).append("\n```\n");
        }
        return sb.toString();
    }

    @Test
    void theDocumentedHelpIsTheCommandsHelp() throws IOException {
        new GeneratedBlock(Path.of("../../docs/cli.md"), START, END,
                "./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true").check(reference());
    }
}
