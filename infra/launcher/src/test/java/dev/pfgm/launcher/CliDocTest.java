package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.launcher.cli.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/cli.md ends with every command's --help, generated from the commands themselves: this test
 * fails when the two differ, and rewrites that part when run with -Dpfgm.docs.write=true
 * ({@code ./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true}).
 */
class CliDocTest {
    private static final Path DOC = Path.of("../../docs/cli.md");
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
        String doc = Files.readString(DOC);
        int a = doc.indexOf(START);
        int b = doc.indexOf(END);
        assertTrue(a >= 0 && b > a, "docs/cli.md marks its reference with " + START + " and " + END);
        String documented = doc.substring(a + START.length(), b).strip();
        String declared = reference().strip();
        if (Boolean.getBoolean("pfgm.docs.write") && !documented.equals(declared)) {
            Files.writeString(DOC, doc.substring(0, a + START.length()) + "\n" + declared + "\n" + doc.substring(b));
            return;
        }
        assertEquals(declared, documented, "docs/cli.md's reference differs from the commands' --help; regenerate it:"
                + " ./mvnw -pl infra/launcher test -Dtest=CliDocTest -Dpfgm.docs.write=true");
    }
}
