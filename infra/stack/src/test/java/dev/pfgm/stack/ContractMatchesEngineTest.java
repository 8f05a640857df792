package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.gateway.http.ContractValidator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The API's TrainParams schema lists exactly the engine's training settings, and its SynthesizeJob
 * params exactly the synthesis parameters SynthesisSpec reads.
 */
class ContractMatchesEngineTest {
    @Test
    void trainParamsAreTheEngineSettings() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(new ContractValidator().document());
        Set<String> api = new TreeSet<>();
        doc.path("components").path("schemas").path("TrainParams").path("properties").fieldNames()
                .forEachRemaining(api::add);
        Set<String> engine = new TreeSet<>();
        TrainSettings.defaults().toJson().fieldNames().forEachRemaining(engine::add);
        assertEquals(engine, api);
    }

    @Test
    void synthesizeParamsAreTheSynthesisSpecKeys() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(new ContractValidator().document());
        Set<String> api = new TreeSet<>();
        doc.path("components").path("schemas").path("SynthesizeJob").path("properties").path("params")
                .path("properties").fieldNames().forEachRemaining(api::add);
        assertEquals(new TreeSet<>(dev.pfgm.shared.synthesis.SynthesisSpec.KEYS), api);
    }

    @Test
    void theWorkEstimateAssumesTheEnginesTrainingDefaults() {
        TrainSettings table = TrainSettings.defaults();
        TrainSettings images = TrainSettings.imageDefaults();
        org.junit.jupiter.api.Assertions.assertEquals(table.steps(), dev.pfgm.shared.synthesis.WorkEstimate.DEFAULT_STEPS);
        org.junit.jupiter.api.Assertions.assertEquals(images.steps(), dev.pfgm.shared.synthesis.WorkEstimate.DEFAULT_STEPS);
        org.junit.jupiter.api.Assertions.assertEquals(table.batch(), dev.pfgm.shared.synthesis.WorkEstimate.TABLE_BATCH);
        org.junit.jupiter.api.Assertions.assertEquals(images.batch(), dev.pfgm.shared.synthesis.WorkEstimate.IMAGE_BATCH);
        org.junit.jupiter.api.Assertions.assertEquals(table.largeBatch(),
                dev.pfgm.shared.synthesis.WorkEstimate.TABLE_LARGE_BATCH);
        org.junit.jupiter.api.Assertions.assertEquals(images.largeBatch(),
                dev.pfgm.shared.synthesis.WorkEstimate.IMAGE_LARGE_BATCH);
    }
}
