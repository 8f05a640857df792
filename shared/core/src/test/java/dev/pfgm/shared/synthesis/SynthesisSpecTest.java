package dev.pfgm.shared.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SynthesisSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelFacts TABLE = ModelFacts.of(JSON.createObjectNode(), 2, null, 0);
    private static final ModelFacts IMAGES = ModelFacts.of(JSON.createObjectNode().put("unet_width", 32), 784, "1x28x28", 10);

    private static SynthesisSpec parse(String params, ModelFacts facts) throws Exception {
        return SynthesisSpec.parse(JSON.readTree(params), facts);
    }

    private static String refusal(String params, ModelFacts facts) {
        return assertThrows(SpecException.class, () -> parse(params, facts)).field();
    }

    @Test
    void defaultsAreFilledInAndShardSizesAreWholeChunksOfAbout45Seconds() throws Exception {
        SynthesisSpec t = parse("{\"count\": 1000000}", TABLE);
        assertEquals(155_136, t.shardSize(), "45 s / (100 NFE x 2.9 us), in chunks of 256");
        assertEquals(OutputFormat.NPY, t.format());
        assertTrue(t.report(), "reports are on for tables");
        assertNull(t.classes());
        assertEquals(0, t.probes(), "exact divergence for 2 columns");
        assertEquals(7, t.plan().shards());
        assertEquals(1_000_000 - 6 * 155_136, t.plan().rows(6));
        SynthesisSpec i = parse("{\"count\": 10000}", IMAGES);
        assertEquals(128, i.shardSize(), "45 s / (100 NFE x 3.1 ms), in chunks of 64");
        assertEquals(ClassMix.DATA, i.classes());
        assertEquals(1, i.probes());
        assertTrue(!i.report());
        assertEquals(384, parse("{\"count\": 10000, \"solver\": \"edm\", \"steps\": 18}", IMAGES).shardSize());
        // a small job is one shard
        assertEquals(700, parse("{\"count\": 700}", TABLE).shardSize());
        // a billion rows: at most 100,000 shards
        assertTrue(parse("{\"count\": 1000000000, \"solver\": \"euler\", \"steps\": 1}", TABLE).plan().shards() <= 100_000);
    }

    @Test
    void everyRefusalNamesItsField() {
        assertEquals("count", refusal("{}", TABLE));
        assertEquals("count", refusal("{\"count\": 0}", TABLE));
        assertEquals("count", refusal("{\"count\": 1000000001}", TABLE));
        assertEquals("count", refusal("{\"count\": 2.5}", TABLE));
        assertEquals("shard_size", refusal("{\"count\": 10, \"shard_size\": 11}", TABLE));
        assertEquals("shard_size", refusal("{\"count\": 1000000000, \"shard_size\": 100}", TABLE));
        assertEquals("shard_size", refusal("{\"count\": 100, \"shard_size\": 0}", TABLE));
        assertEquals("format", refusal("{\"count\": 10, \"format\": \"png-tar\"}", TABLE));
        assertEquals("format", refusal("{\"count\": 10, \"format\": \"parquet\"}", IMAGES));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": \"data\"}", TABLE));
        assertEquals("guidance", refusal("{\"count\": 10, \"guidance\": 2}", TABLE));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": {\"3\": 9}}", IMAGES));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": {\"10\": 10}}", IMAGES));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": {\"x\": 10}}", IMAGES));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": {\"1\": -1, \"2\": 11}}", IMAGES));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": \"all\"}", IMAGES));
        // one class spelled twice: the counts added up, the map kept one, and the job failed on its worker
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": {\"01\": 5, \"1\": 5}}", IMAGES));
        assertEquals("classes", refusal("{\"count\": 10, \"classes\": {\"+1\": 4, \"1\": 6}}", IMAGES));
        assertEquals("guidance", refusal("{\"count\": 10, \"guidance\": 25}", IMAGES));
        assertEquals("estimator", refusal("{\"count\": 10, \"estimator\": \"exact\"}", IMAGES));
        assertEquals("filter.min_log_density_quantile",
                refusal("{\"count\": 10, \"filter\": {\"min_log_density_quantile\": 0}}", TABLE));
        assertEquals("filter", refusal("{\"count\": 10, \"filter\": {\"q\": 0.1}}", TABLE));
        assertEquals("solver", refusal("{\"count\": 10, \"solver\": \"magic\"}", TABLE));
        assertEquals("report", refusal("{\"count\": 10, \"report\": \"yes\"}", TABLE));
        assertEquals("colour", refusal("{\"count\": 10, \"colour\": 1}", TABLE));
        // the report's inputs: only with a report, a classifier only for images
        assertEquals("held_out", refusal("{\"count\": 10, \"held_out\": \"d\"}", IMAGES));
        assertEquals("held_out", refusal("{\"count\": 10, \"report\": false, \"held_out\": \"d\"}", TABLE));
        assertEquals("held_out", refusal("{\"count\": 10, \"held_out\": 7}", TABLE));
        assertEquals("classifier", refusal("{\"count\": 10, \"classifier\": \"c\"}", TABLE));
        assertEquals("classifier", refusal("{\"count\": 10, \"report\": true, \"classifier\": \" \"}", IMAGES));
    }

    @Test
    void theReportsInputsAreRecordedButAreNotPartOfWhatTheRowsDependOn() throws Exception {
        SynthesisSpec s = parse("{\"count\": 10, \"report\": true, \"held_out\": \"d\", \"classifier\": \"c\"}",
                IMAGES);
        assertEquals("d", s.heldOut());
        assertEquals("c", s.classifier());
        assertEquals("d", s.toJson().path("held_out").asText());
        assertEquals(parse("{\"count\": 10}", IMAGES).toJson().without(SynthesisSpec.REPORT_KEYS),
                s.toJson().without(SynthesisSpec.REPORT_KEYS));
    }

    @Test
    void classMixesGiveExactCounts() throws Exception {
        int[] training = {5, 3, 2};
        assertArrayEquals(new long[] {50, 30, 20}, ClassMix.DATA.counts(100, training));
        assertArrayEquals(new long[] {34, 33, 33}, ClassMix.BALANCED.counts(100, training));
        assertArrayEquals(new long[] {1, 1, 0}, ClassMix.DATA.counts(2, training));
        ModelFacts three = ModelFacts.of(JSON.createObjectNode(), 2, null, 3);
        SynthesisSpec s = parse("{\"count\": 10, \"classes\": {\"2\": 7, \"0\": 3}}", three);
        assertArrayEquals(new long[] {3, 0, 7}, s.classes().counts(10, training));
        assertEquals("{\"0\":3,\"2\":7}", s.classes().toJson().toString());
    }

    /** Each limit the contract states is where it says: the bound itself taken, one past it refused. */
    @Test
    void limitsAreInclusiveWhereTheContractSaysSo() throws Exception {
        assertEquals(1, parse("{\"count\": 1}", TABLE).count());
        assertEquals(1_000_000_000L, parse("{\"count\": 1000000000}", TABLE).count());
        assertEquals(1, parse("{\"count\": 10, \"solver\": \"euler\", \"steps\": 1}", TABLE).steps());
        assertEquals(100_000, parse("{\"count\": 10, \"solver\": \"euler\", \"steps\": 100000}", TABLE).steps());
        assertEquals("steps", refusal("{\"count\": 10, \"steps\": 0}", TABLE));
        assertEquals("steps", refusal("{\"count\": 10, \"steps\": 100001}", TABLE));
        assertEquals(0.5, parse("{\"count\": 10, \"rtol\": 0.5}", TABLE).rtol());
        assertEquals("rtol", refusal("{\"count\": 10, \"rtol\": 1}", TABLE));
        assertEquals("atol", refusal("{\"count\": 10, \"atol\": 0}", TABLE));
        assertEquals(0.0, parse("{\"count\": 10, \"guidance\": 0}", IMAGES).guidance());
        assertEquals(20.0, parse("{\"count\": 10, \"guidance\": 20}", IMAGES).guidance());
        assertEquals("guidance", refusal("{\"count\": 10, \"guidance\": 20.5}", IMAGES));
        assertEquals("guidance", refusal("{\"count\": 10, \"guidance\": -0.5}", IMAGES));
        assertEquals(0.999, parse("{\"count\": 10, \"filter\": {\"min_log_density_quantile\": 0.999}}", TABLE)
                .filterQuantile());
        assertEquals("filter.min_log_density_quantile",
                refusal("{\"count\": 10, \"filter\": {\"min_log_density_quantile\": 1}}", TABLE));
        assertEquals(1024, parse("{\"count\": 10, \"estimator\": \"hutchinson\", \"probes\": 1024}", TABLE).probes());
        assertEquals("probes", refusal("{\"count\": 10, \"estimator\": \"hutchinson\", \"probes\": 1025}", TABLE));
        assertEquals("probes", refusal("{\"count\": 10, \"probes\": 2}", TABLE), "the exact estimator takes no probes");
        // a class may have no rows; the last class is the model's classes - 1
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 10},
                parse("{\"count\": 10, \"classes\": {\"0\": 0, \"9\": 10}}", IMAGES).classes().counts(10, new int[10]));
    }

    /**
     * shard_size: at most count, at most 2^25 values a shard (memory) and at least count / 100,000
     * (the shard limit); the default is cut to whole chunks, then held within the same bounds.
     */
    @Test
    void shardSizesKeepToTheMemoryAndShardLimits() throws Exception {
        assertEquals(10, parse("{\"count\": 10, \"shard_size\": 10}", TABLE).shardSize());
        // 2^25 / 784 = 42,799.02: a shard of 28x28 images holds at most 42,799
        assertEquals(42_799, parse("{\"count\": 100000, \"shard_size\": 42799}", IMAGES).shardSize());
        assertEquals("shard_size", refusal("{\"count\": 100000, \"shard_size\": 42800}", IMAGES));
        // a billion rows in at most 100,000 shards: at least 10,000 rows each
        assertEquals(10_000, parse("{\"count\": 1000000000, \"shard_size\": 10000}", TABLE).shardSize());
        assertEquals("shard_size", refusal("{\"count\": 1000000000, \"shard_size\": 9999}", TABLE));
        // the default: heun with 100,000 steps takes ~77 rows in 45 s, one chunk (256); the shard limit
        // lifts it to 10,000 rounded up to whole chunks
        SynthesisSpec slow = parse("{\"count\": 1000000000, \"solver\": \"heun\", \"steps\": 100000}", TABLE);
        assertEquals(10_240, slow.shardSize());
        assertEquals(97_657, slow.plan().shards());
        // and the memory bound caps a fast default: 2^25 / 10,000 columns = 3,355 rows
        ModelFacts wide = ModelFacts.of(JSON.createObjectNode(), 10_000, null, 0);
        assertEquals(3_355, parse("{\"count\": 1000000, \"solver\": \"euler\", \"steps\": 1}", wide).shardSize());
    }

    /** A class is a number written once: "-0", "+1" and "01" parsed as numbers and were taken. */
    @Test
    void classKeysAreClassNumbersAsWritten() throws Exception {
        ModelFacts three = ModelFacts.of(JSON.createObjectNode(), 2, null, 3);
        for (String key : new String[] {"-0", "+1", "01", "1.0", " 1", ""}) {
            SpecException e = assertThrows(SpecException.class,
                    () -> parse("{\"count\": 10, \"classes\": {\"" + key + "\": 10}}", three), key);
            assertEquals("classes", e.field());
            assertTrue(e.problem().contains("is not a class number"), e.problem());
        }
        assertEquals(parse("{\"count\": 10, \"classes\": {\"0\": 4, \"2\": 6}}", three).classes(),
                parse("{\"count\": 10, \"classes\": {\"2\": 6, \"0\": 4}}", three).classes());
    }

    /** The resolved parameters (the manifest's record of them) read back as the same synthesis. */
    @Test
    void resolvedParametersReadBackAsTheSameSpec() throws Exception {
        ModelFacts three = ModelFacts.of(JSON.createObjectNode(), 2, null, 3);
        for (String params : new String[] {"{\"count\": 1000}",
            "{\"count\": 5000, \"seed\": 7, \"format\": \"csv\", \"solver\": \"heun\", \"steps\": 12,"
                    + " \"log_density\": true, \"estimator\": \"hutchinson\", \"probes\": 3, \"report\": false}",
            "{\"count\": 300, \"rtol\": 0.001, \"atol\": 0.01, \"filter\": {\"min_log_density_quantile\": 0.05}}"}) {
            SynthesisSpec spec = parse(params, TABLE);
            assertEquals(spec, SynthesisSpec.parse(spec.toJson(), TABLE), params);
        }
        SynthesisSpec conditional = parse("{\"count\": 30, \"classes\": {\"1\": 30}, \"guidance\": 2.5}", three);
        assertEquals(conditional, SynthesisSpec.parse(conditional.toJson(), three));
        SynthesisSpec balanced = parse("{\"count\": 30, \"classes\": \"balanced\"}", three);
        assertEquals(balanced, SynthesisSpec.parse(balanced.toJson(), three));
        assertTrue(parse("{\"count\": 10, \"log_density\": true}", TABLE).needsDensity());
        assertTrue(parse("{\"count\": 10, \"filter\": {\"min_log_density_quantile\": 0.5}}", TABLE).needsDensity());
        assertTrue(!parse("{\"count\": 10}", TABLE).needsDensity());
    }
}
