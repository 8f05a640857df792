package dev.pfgm.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("PFGM_DB_URL", "jdbc:postgresql://db:5432/pfgm");
        m.put("PFGM_KAFKA_BOOTSTRAP", "kafka:9092");
        m.put("PFGM_S3_ENDPOINT", "http://minio:9000");
        m.put("PFGM_S3_ACCESS_KEY", "access");
        m.put("PFGM_S3_SECRET_KEY", "s3cret-value");
        return m;
    }

    @Test
    void defaultsFillTheRest() {
        Config c = Config.from(minimal());
        assertEquals(8080, c.getInt(Settings.HTTP_PORT));
        assertEquals("pfgm", c.get(Settings.S3_BUCKET));
        assertEquals(3, c.getInt(Settings.MAX_ATTEMPTS));
        // a setting given blank (PFGM_HTTP_PORT= in an env file) takes its default, not ''
        Map<String, String> env = minimal();
        env.put("PFGM_HTTP_PORT", "  ");
        assertEquals(8080, Config.from(env).getInt(Settings.HTTP_PORT));
    }

    @Test
    void namesEachMissingOrMalformedSetting() {
        Map<String, String> env = minimal();
        env.put("PFGM_KAFKA_BOOTSTRAP", " ");
        env.put("PFGM_HTTP_PORT", "eighty");
        env.put("PFGM_LEASE_SECONDS", "1");
        env.put("PFGM_S3_ENDPOINT", "minio:9000");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.from(env));
        assertTrue(e.getMessage().contains("PFGM_KAFKA_BOOTSTRAP is required"), e.getMessage());
        assertTrue(e.getMessage().contains("PFGM_HTTP_PORT must be an integer"), e.getMessage());
        assertTrue(e.getMessage().contains("PFGM_LEASE_SECONDS must be between 2 and 3600"), e.getMessage());
        assertTrue(e.getMessage().contains("PFGM_S3_ENDPOINT must be an absolute"), e.getMessage());
    }

    /** Integers are ASCII digits: Java's parser read an Arabic-Indic 5 as 5. */
    @Test
    void integersAreAsciiDigits() {
        for (String odd : new String[] {"\u0665", "\uff15", "0x5", "5L", "5.0", "1e3", "--5"}) {
            Map<String, String> env = minimal();
            env.put("PFGM_MAX_ATTEMPTS", odd);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.from(env), odd);
            assertTrue(e.getMessage().contains("PFGM_MAX_ATTEMPTS must be an integer, got '" + odd + "'"), e.getMessage());
        }
        Map<String, String> env = minimal();
        env.put("PFGM_MAX_ATTEMPTS", " +5 ");
        assertEquals(5, Config.from(env).getInt(Settings.MAX_ATTEMPTS));
    }

    @Test
    void describeMasksSecrets() {
        String text = Config.from(minimal()).describe();
        assertFalse(text.contains("s3cret-value"));
        assertTrue(text.contains("PFGM_S3_SECRET_KEY") && text.contains("****"));
        assertTrue(text.contains("kafka:9092"));
        for (Setting s : Settings.ALL) {
            assertTrue(text.contains(s.name()), s.name() + " is printed");
            assertFalse(s.doc().isBlank(), s.name() + " is documented");
        }
    }

    @Test
    void envFileIsLaidOverTheEnvironment(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("stack.env");
        Files.writeString(f, "# comment\n\nPFGM_HTTP_PORT=9999\nPFGM_DB_URL = jdbc:postgresql://x/y\n");
        Map<String, String> read = Config.readEnvFile(f);
        assertEquals("9999", read.get("PFGM_HTTP_PORT"));
        assertEquals("jdbc:postgresql://x/y", read.get("PFGM_DB_URL"));
        for (String bad : new String[] {"not a setting line\n", "=9999\n", " = x\n"}) {
            Files.writeString(f, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.readEnvFile(f), bad);
            assertTrue(e.getMessage().endsWith("is not KEY=VALUE"), e.getMessage());
        }
    }

    /** A misspelt setting is named (it was ignored without a word); what the scripts and the client read is not. */
    @Test
    void namesThatLookLikeSettingsAndAreNoneAreFound() {
        Map<String, String> env = Map.of("PFGM_MAX_UPLAOD_MB", "5", "PFGM_MAX_UPLOAD_MB", "5", "PFGM_API_KEY", "k",
                "PFGM_JAVA_OPTS", "-Xmx1g", "PATH", "/bin", "PFGM_FOO", "1");
        assertEquals(java.util.List.of("PFGM_FOO", "PFGM_MAX_UPLAOD_MB"), Config.unknownNames(env));
    }
}
