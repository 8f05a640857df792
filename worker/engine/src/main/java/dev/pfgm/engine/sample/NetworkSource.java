package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;

/**
 * Networks for the threads of a chunked computation, one each (they keep per-call buffers). A
 * source may hand out networks it keeps between computations: building one and its first pass
 * at a batch size cost about 0.2-0.4 s for the Fashion-MNIST U-Net, paid again by every shard of
 * a synthesis otherwise. {@link #release} gives a network back when its thread is done.
 *
 * @param <N> what the networks are: a trained model's are {@link dev.pfgm.engine.field.Conditional}
 */
@FunctionalInterface
public interface NetworkSource<N extends ChargeMean> {
    N get();

    default void release(N network) {
    }
}
