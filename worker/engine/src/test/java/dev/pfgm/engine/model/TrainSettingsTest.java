package dev.pfgm.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.InvalidInputException;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static com.fasterxml.jackson.databind.JsonNode json(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static TrainSettings with(String json) throws Exception {
        return TrainSettings.defaults().with(JSON.readTree(json), "cfg");
    }

    @Test
    void overridesApplyAndRoundTripThroughJson() throws Exception {
        TrainSettings s = with("{\"steps\": 77, \"lr\": 0.01, \"restrict\": false, \"seed\": 9}");
        assertEquals(77, s.steps());
        assertEquals(0.01, s.lr());
        assertEquals(false, s.restrict());
        assertEquals(s, TrainSettings.defaults().with(s.toJson(), "again"));
    }

    @Test
    void refusesUnknownKeysWrongTypesAndOutOfRangeValues() {
        assertMessage("{\"stpes\": 5}", "unknown setting 'stpes'");
        assertMessage("{\"steps\": 0}", "'steps' must be an integer in [1, 10000000], got 0");
        assertMessage("{\"lr\": \"fast\"}", "'lr' must be a number in (0.0, 1.0]");
        assertMessage("{\"restrict\": 1}", "'restrict' must be true or false");
        assertMessage("[1]", "must be a JSON object");
        assertMessage("{\"z_max\": 1, \"z_min\": 2}", "z_min (2.0) must be below z_max (1.0)");
        assertMessage("{\"steps\": 10.5}", "'steps' must be an integer in [1, 10000000], got 10.5");
        // 2^63 written as a float: past a seed's 64 bits (Jackson's own range check lets it through)
        assertMessage("{\"seed\": 9223372036854775808.0}", "'seed' must be a non-negative integer");
        assertMessage("{\"aug_dim\": 2.5}", "'aug_dim' must be an integer in [1, 1000000] or \"inf\"");
    }

    /** 10.0 is the integer 10 (JSON Schema's reading, which the service's contract checks by): accepted alike. */
    @Test
    void wholeNumbersWrittenAsFloatsAreIntegers() throws Exception {
        TrainSettings s = with("{\"steps\": 10.0, \"hidden\": 3.2e1, \"aug_dim\": 8.0, \"seed\": 1e3}");
        assertEquals(with("{\"steps\": 10, \"hidden\": 32, \"aug_dim\": 8, \"seed\": 1000}"), s);
    }

    private static void assertMessage(String json, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> with(json));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }

    @Test
    void resolvedValuesFollowTheKernelRelations() throws Exception {
        TrainSettings s = with("{\"aug_dim\": 1}").resolve(2);
        // mean z at m = M is sigma sqrt(2/pi) (1 + tau)^M >= z_max, within one step of tau
        double meanZ = s.sigma() * Math.sqrt(2 / Math.PI) * Math.pow(1 + s.tau(), s.maxExponent());
        assertTrue(meanZ >= s.zMax() && meanZ < s.zMax() * (1 + s.tau()), "mean z at M: " + meanZ);
        assertTrue(s.upperNorm() > s.zMax());
    }

    @Test
    void pfgmPlusPlusAndDiffusionStartAtSigmaMaxOnImagesAndTables() throws Exception {
        TrainSettings pp = with("{\"aug_dim\": 128}");
        assertTrue(pp.plusPlus() && !pp.diffusion());
        assertEquals(80, pp.resolveImages(784, 23).zMax());
        assertEquals(80, pp.resolve(2).zMax());
        assertEquals(12, with("{\"aug_dim\": 128, \"z_max\": 12}").resolveImages(784, 23).zMax());
        assertEquals(12, with("{\"aug_dim\": 128, \"z_max\": 12}").resolve(6).zMax());
        // the limit D -> infinity: a diffusion model, written "inf" and read back
        TrainSettings diffusion = with("{\"aug_dim\": \"inf\"}");
        assertTrue(diffusion.plusPlus() && diffusion.diffusion());
        assertEquals("inf", diffusion.toJson().path("aug_dim").asText());
        assertEquals(diffusion, TrainSettings.defaults().with(diffusion.toJson(), "again"));
        assertEquals(80, diffusion.resolve(2).zMax());
        assertMessage("{\"aug_dim\": 0}", "'aug_dim' must be an integer in [1, 1000000] or \"inf\", got 0");
        assertMessage("{\"aug_dim\": \"infinity\"}", "'aug_dim' must be an integer in [1, 1000000] or \"inf\"");
        assertMessage("{\"aug_dim\": 2.5}", "'aug_dim' must be");
        // model files written before the setting existed hold no aug_dim: they are PFGM
        com.fasterxml.jackson.databind.node.ObjectNode old = with("{\"aug_dim\": 1}").toJson();
        old.remove("aug_dim");
        assertEquals(1, TrainSettings.storedDefaults().with(old, "old model").augDim());
        assertEquals(0.4, TrainSettings.storedDefaults().with(old, "old model").jitter());
    }

    @Test
    void tablesDefaultToPfgmPlusPlusAndEachFamilyKeepsItsJitter() throws Exception {
        TrainSettings d = TrainSettings.defaults();
        assertEquals(8, d.augDim());
        assertEquals(0.2, d.jitter());
        assertEquals(80, d.resolve(2).zMax());
        assertEquals(0.01, d.resolve(2).zMin());
        assertEquals(0.001, with("{\"aug_dim\": 1}").resolve(2).zMin());
        assertEquals(0.05, with("{\"z_min\": 0.05}").resolve(2).zMin());
        // choosing PFGM brings its jitter unless the jitter is given; other D keep the default's
        assertEquals(0.4, with("{\"aug_dim\": 1}").jitter());
        assertEquals(0.1, with("{\"aug_dim\": 1, \"jitter\": 0.1}").jitter());
        assertEquals(0.2, with("{\"aug_dim\": 128}").jitter());
        assertEquals(0.3, with("{\"aug_dim\": \"inf\", \"jitter\": 0.3}").jitter());
        assertEquals(0.2, with("{\"aug_dim\": 1}").with(json("{\"aug_dim\": 64}"), "t").jitter());
        assertEquals(0.7, with("{\"aug_dim\": 1, \"jitter\": 0.7}").with(json("{\"aug_dim\": 64}"), "t").jitter());
        // images stay PFGM without jitter, and leaving D = 1 there keeps it so
        assertEquals(1, TrainSettings.imageDefaults().augDim());
        assertEquals(0, TrainSettings.imageDefaults().jitter());
        assertEquals(0, TrainSettings.imageDefaults().with(json("{\"aug_dim\": 1}"), "t").jitter());
        assertEquals(0, TrainSettings.imageDefaults().with(json("{\"aug_dim\": 128}"), "t").jitter());
        // a stored file is read with the meaning it was written with: every key it holds, kept
        TrainSettings pp = with("{\"aug_dim\": 8}").resolve(2);
        assertEquals(pp, TrainSettings.storedDefaults().with(pp.toJson(), "file"));
        TrainSettings pfgm = with("{\"aug_dim\": 1}").resolve(2);
        assertEquals(pfgm, TrainSettings.storedDefaults().with(pfgm.toJson(), "file"));
        assertEquals(0.2, TrainSettings.storedDefaults().with(pp.toJson(), "file").jitter());
    }
}
