package dev.pfgm.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.Provenance;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.util.Arrays;
import java.util.List;

/** Small models for the synthesis tests: a briefly trained 2-D table model and an untrained conditional U-Net. */
final class Models {
    static final ObjectMapper JSON = new ObjectMapper();
    private static PfgmModel table;

    private Models() {
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** 300 steps on 4,000 moons points, columns named "a b" and "c,d" (a space and a comma). */
    static synchronized PfgmModel table() {
        if (table == null) {
            Dataset moons = BuiltinData.load("builtin:moons").head(4000);
            Dataset named = new Dataset(moons.source(), moons.values(), moons.count(), 2, moons.sha256(),
                    List.of("a b", "c,d"));
            table = Trainer.train(named, TrainSettings.defaults().with(json("{\"steps\": 300, \"hidden\": 32,"
                    + " \"batch\": 128, \"large_batch\": 1024, \"warmup\": 50}"), "test"), TrainListener.NONE);
        }
        return table;
    }

    /** An untrained width-8 U-Net on 8x8 grey images, conditional on 3 classes with training counts 5, 3, 2. */
    static PfgmModel images() {
        TrainSettings s = TrainSettings.imageDefaults().with(json("{\"unet_width\": 8, \"unet_levels\": 1,"
                + " \"frequencies\": 3}"), "test").resolveImages(64, 4.0);
        ImageMeta im = new ImageMeta(1, 8, 8, 0.5, true, 4.0, new int[] {5, 3, 2});
        UNet net = new UNet(PfgmModel.unetSpec(s, im), 0.5);
        net.initialise(SeedPlan.of(11));
        double[] std = new double[64];
        Arrays.fill(std, 1);
        return new PfgmModel(s, new Standardizer(new double[64], std, 4.0), net.parameters().clone(),
                Provenance.capture("test", "x", 10, 64, s, 0, 0, 0, 0), new float[0], im);
    }

    static SynthesisSpec spec(PfgmModel m, String params) {
        return SynthesisSpec.parse(json(params), ModelDescription.facts(m));
    }
}
