package dev.pfgm.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine reads arrays and writes arrays and model files: it must not import messaging, SQL,
 * object storage or HTTP code, nor depend on them in its POM (architecture.md).
 */
class EngineBoundaryTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "^import\\s+(static\\s+)?(org\\.apache\\.kafka|java\\.sql|javax\\.sql|io\\.minio|io\\.vertx|software\\.amazon"
                    + "|com\\.amazonaws|org\\.postgresql|org\\.flywaydb)", Pattern.MULTILINE);

    @Test
    void engineSourcesImportNoServiceLibraries() throws IOException {
        Path main = Path.of("src/main/java");
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return FORBIDDEN.matcher(Files.readString(p)).find();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
        assertTrue(offenders.isEmpty(), "engine files importing service libraries: " + offenders);
    }

    @Test
    void enginePomListsNoServiceDependencies() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        var ids = Pattern.compile("<(groupId|artifactId)>([^<]+)</").matcher(pom);
        int seen = 0;
        while (ids.find()) {
            String id = ids.group(2).toLowerCase();
            seen++;
            for (String banned : List.of("kafka", "postgresql", "minio", "vertx", "flyway", "jdbc", "s3")) {
                assertTrue(!id.contains(banned), "engine pom depends on " + id);
            }
        }
        assertTrue(seen > 5, "the pom's dependencies were read");
    }
}
