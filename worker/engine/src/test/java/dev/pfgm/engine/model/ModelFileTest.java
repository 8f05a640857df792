package dev.pfgm.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Model files round-trip; sampling is deterministic and per-sample. Uses a briefly trained model. */
class ModelFileTest {
    private static PfgmModel model;

    @BeforeAll
    static void train() throws Exception {
        Dataset data = BuiltinData.load("builtin:moons").head(2000);
        TrainSettings s = TrainSettings.defaults().with(new ObjectMapper().readTree(
                "{\"steps\": 150, \"hidden\": 32, \"depth\": 2, \"large_batch\": 512, \"batch\": 64, \"seed\": 4}"), "test");
        model = Trainer.train(data, s, TrainListener.NONE);
    }

    private static byte[] bytes(PfgmModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.write(m, out);
        return out.toByteArray();
    }

    @Test
    void roundTripKeepsEverything() throws IOException {
        PfgmModel back = ModelFile.read(bytes(model), "m");
        assertArrayEquals(model.weights(), back.weights());
        assertEquals(model.settings(), back.settings());
        assertEquals(model.provenance(), back.provenance());
        assertArrayEquals(model.standardizer().mean(), back.standardizer().mean());
        assertArrayEquals(model.standardizer().std(), back.standardizer().std());
        assertArrayEquals(model.losses(), back.losses(), 1e-6f * 10);
        assertEquals("builtin:moons:v1", back.provenance().dataSha256());
        assertEquals(150, back.provenance().steps());
    }

    @Test
    void newerFormatIsRefusedNamingBothVersions() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes(model)));
             ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] b = in.readAllBytes();
                if (e.getName().equals("manifest.json")) {
                    b = new String(b, java.nio.charset.StandardCharsets.UTF_8).replace("\"version\" : 1", "\"version\" : 7")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(b);
                zip.closeEntry();
            }
        }
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> ModelFile.read(out.toByteArray(), "m"));
        assertTrue(ex.getMessage().contains("version 7") && ex.getMessage().contains("(1)"), ex.getMessage());
        assertThrows(InvalidInputException.class, () -> ModelFile.read("not a zip".getBytes(java.nio.charset.StandardCharsets.UTF_8), "m"));
    }

    @Test
    void sampleIDependsOnlyOnSeedAndIndex() {
        Sampler sampler = new Sampler(model);
        for (SolverSpec spec : new SolverSpec[] {SolverSpec.defaults(), new SolverSpec("heun", 1e-4, 1e-4, 20)}) {
            Sampler.Result many = sampler.sample(300, 42, spec, Progress.NONE);
            Sampler.Result few = sampler.sample(30, 42, spec, Progress.NONE);
            Sampler.Result again = sampler.sample(300, 42, spec, Progress.NONE);
            for (int i = 0; i < 30 * 2; i++) {
                assertEquals(many.samples()[i], few.samples()[i], 0f, spec.name() + " value " + i);
            }
            assertArrayEquals(many.samples(), again.samples(), 0f);
            Sampler.Result other = sampler.sample(30, 43, spec, Progress.NONE);
            assertTrue(other.samples()[0] != few.samples()[0], "another seed gives other samples");
        }
    }

    /**
     * A model file of the first format (fixtures/first-format: the first engine's, with its settings
     * keys only and gamma 5) still reads as PFGM and samples what that engine sampled from it.
     */
    @Test
    void aFirstFormatFileSamplesWhatTheFirstEngineDid() throws IOException {
        byte[] file;
        byte[] expected;
        try (var in = ModelFileTest.class.getResourceAsStream("/fixtures/first-format/moons.pfgm");
             var samples = ModelFileTest.class.getResourceAsStream("/fixtures/first-format/samples-seed3.npy")) {
            file = in.readAllBytes();
            expected = samples.readAllBytes();
        }
        PfgmModel old = ModelFile.read(file, "first-format moons");
        assertEquals(1, old.settings().augDim(), "a file without aug_dim is PFGM");
        assertEquals(5.0, old.settings().gamma(), "the file's own gamma, not today's default");
        Sampler.Result r = new Sampler(old).sample(200, 3, SolverSpec.defaults(), Progress.NONE);
        assertEquals(111.47, r.meanNfe(), 1e-9, "the first engine's NFE for these samples");
        double[] then = dev.pfgm.shared.data.NpyFile.readTable(expected, "samples", "").values();
        // the same to the bit today; a small tolerance leaves room for a harmless change of float order
        for (int i = 0; i < then.length; i++) {
            assertEquals(then[i], r.samples()[i], 1e-5, "value " + i);
        }
    }
}
