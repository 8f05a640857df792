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
        assertEquals("guidance", refusal("{\"count\": 10, \"guidance\": 25}", IMAGES));
        assertEquals("estimator", refusal("{\"count\": 10, \"estimator\": \"exact\"}", IMAGES));
        assertEquals("filter.min_log_density_quantile",
                refusal("{\"count\": 10, \"filter\": {\"min_log_density_quantile\": 0}}", TABLE));
        assertEquals("filter", refusal("{\"count\": 10, \"filter\": {\"q\": 0.1}}", TABLE));
        assertEquals("solver", refusal("{\"count\": 10, \"solver\": \"magic\"}", TABLE));
        assertEquals("report", refusal("{\"count\": 10, \"report\": \"yes\"}", TABLE));
        assertEquals("colour", refusal("{\"count\": 10, \"colour\": 1}", TABLE));
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
}
