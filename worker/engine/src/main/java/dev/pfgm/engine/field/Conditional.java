package dev.pfgm.engine.field;

/**
 * A class-conditional charge mean m(x, s | c): labels (0 .. classes - 1, or -1 for none) are set
 * for the rows of the next evaluations; rows past the array's end repeat it from the start, as
 * probe batches repeat their rows. Null: no labels, the unconditional m the network also learned.
 */
public interface Conditional extends ChargeMean {
    void condition(int[] labels);
}
