package dev.pfgm.shared.config;

import dev.pfgm.shared.docs.GeneratedBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's table of settings is generated from {@link Settings#ALL}: this test
 * fails when the two differ, and rewrites the table when run with -Dpfgm.docs.write=true
 * ({@code ./mvnw -pl shared/core test -Dtest=ConfigurationDocTest -Dpfgm.docs.write=true}).
 */
class ConfigurationDocTest {
    private static final String START = "<!-- settings table: generated from Settings.ALL by ConfigurationDocTest -->";
    private static final String END = "<!-- end of settings table -->";

    static String table() {
        StringBuilder sb = new StringBuilder("| variable | default | range | meaning |\n|---|---|---|---|\n");
        for (Setting s : Settings.ALL) {
            String def = s.defaultValue() == null ? "(required)" : s.defaultValue().isEmpty() ? "empty"
                    : s.secret() ? "(set)" : "`" + s.defaultValue() + "`";
            String range = s.kind() == Setting.Kind.INT ? String.format(Locale.ROOT, "%,d to %,d", s.min(), s.max())
                    : s.kind() == Setting.Kind.URL ? "a URL" : s.secret() ? "text, secret (printed masked)" : "text";
            sb.append("| `").append(s.name()).append("` | ").append(def).append(" | ").append(range).append(" | ")
                    .append(s.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void theDocumentedSettingsAreTheDeclaredOnes() throws IOException {
        new GeneratedBlock(Path.of("../../docs/configuration.md"), START, END,
                "./mvnw -pl shared/core test -Dtest=ConfigurationDocTest -Dpfgm.docs.write=true").check(table());
    }
}
