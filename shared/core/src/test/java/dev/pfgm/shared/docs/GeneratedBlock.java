package dev.pfgm.shared.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A part of a document generated from the code, between two marker lines: {@link #check} fails when
 * the document's part differs from what the code generates now, or rewrites the part instead when
 * the build runs with -Dpfgm.docs.write=true (the command to do so is in the failure).
 */
public record GeneratedBlock(Path doc, String start, String end, String regenerate) {
    public void check(String generated) throws IOException {
        String text = Files.readString(doc);
        int a = text.indexOf(start);
        int b = text.indexOf(end);
        assertTrue(a >= 0 && b > a, doc + " marks its generated part with " + start + " and " + end);
        String documented = text.substring(a + start.length(), b).strip();
        String declared = generated.strip();
        if (Boolean.getBoolean("pfgm.docs.write") && !documented.equals(declared)) {
            Files.writeString(doc, text.substring(0, a + start.length()) + "\n" + declared + "\n" + text.substring(b));
            return;
        }
        assertEquals(declared, documented, doc + "'s generated part differs from the code; regenerate it: " + regenerate);
    }
}
