package dev.pfgm.engine.nn.conv;

import dev.pfgm.engine.random.SeedPlan;

/**
 * A network whose weights are one flat array, laid out block by block ({@link Params}) by its
 * layers as the subclass's constructor builds them. The optimiser and the model file see only the
 * array; {@link #commit()} hands changed weights to the layers that keep copies of their own.
 */
abstract class FlatNetwork {
    final Params layout = new Params();
    /** The live weights in {@link #layout}'s order, allocated by {@link #allocate()}. */
    float[] params;
    private final String name;

    /** {@code name} is how errors call the network ("the U-Net"). */
    FlatNetwork(String name) {
        this.name = name;
    }

    /** Called last in the subclass's constructor, once every layer has its block. */
    final void allocate() {
        params = new float[layout.size()];
    }

    /** The live weights, in a fixed layout; call {@link #commit()} after changing them. */
    public final float[] parameters() {
        return params;
    }

    public final void initialise(SeedPlan rng) {
        layout.initialise(params, rng);
        commit();
    }

    public final void load(float[] weights) {
        if (weights.length != params.length) {
            throw new IllegalArgumentException(name + " has " + params.length + " weights; got " + weights.length);
        }
        System.arraycopy(weights, 0, params, 0, params.length);
        commit();
    }

    /** Sends the weights to the layers that keep their own copies, after an update. */
    public abstract void commit();
}
