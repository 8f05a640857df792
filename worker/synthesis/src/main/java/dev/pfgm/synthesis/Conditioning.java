package dev.pfgm.synthesis;

import dev.pfgm.engine.model.PfgmModel;

/** What a model knows of classes: the training images per class, null for an unconditional model. */
final class Conditioning {
    private Conditioning() {
    }

    static int[] classCounts(PfgmModel model) {
        return model.classCounts();
    }
}
