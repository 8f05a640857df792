package dev.pfgm.shared.model;

/**
 * The training rules that the engine applies and the gateway checks before a train job is queued,
 * declared once: where the flow starts and stops when a job leaves z_min or z_max to the defaults,
 * and how large an MLP may be. A job the gateway accepted and the worker then refused was one
 * these rules could have stopped.
 */
public final class TrainRules {
    /**
     * Tables default to PFGM++ with D = 8: at the default budget its held-out NLL is among the
     * closest to the truth of every D measured and 2-5x closer than PFGM's (docs/likelihood.md, "The
     * default"), and unlike D = 128 or diffusion it puts no held-out point of a small data set
     * hundreds of nats off. Images default to PFGM (D = 1), labelled images to PFGM++.
     */
    public static final int TABLE_AUG_DIM = 8;

    /** Where PFGM's ODE stops (the paper's), and that of PFGM++ and diffusion models on images. */
    public static final double PFGM_Z_MIN = 1e-3;

    /**
     * Where the ODE of PFGM++ and diffusion models stops on tables (sigma, standardised units). Below
     * it a briefly trained network's charge mean is off the data by more than sigma, and the forward
     * ODE multiplies that offset by about sigma_max / z_min: single held-out points then read tens of
     * nats too low (docs/likelihood.md, "Small data"); the truncation costs < 0.001 nats here.
     */
    public static final double TABLE_PLUS_PLUS_Z_MIN = 1e-2;

    /** Sigma_max of PFGM++ and diffusion models when z_max is not set (EDM's, math.md section 13). */
    public static final double SIGMA_MAX = 80;

    /** Where PFGM's flow starts on tables when z_max is not set (standardised columns). */
    public static final double PFGM_TABLE_Z_MAX = 40;

    /** hidden^2 depth at most this: the MLP's weights are one float array, its offsets ints. */
    public static final long MAX_MLP_WEIGHTS = 1L << 30;

    private TrainRules() {
    }

    /** z_min when the settings leave it at 0, for D = {@code augDim} (above 1: PFGM++ or diffusion). */
    public static double defaultZMin(boolean images, double augDim) {
        return augDim > 1 && !images ? TABLE_PLUS_PLUS_Z_MIN : PFGM_Z_MIN;
    }

    /** z_max when the settings leave it at 0; NaN where the data sets it (PFGM on images: their norms). */
    public static double defaultZMax(boolean images, double augDim) {
        if (augDim > 1) {
            return SIGMA_MAX;
        }
        return images ? Double.NaN : PFGM_TABLE_Z_MAX;
    }

    /** Whether an MLP of these sizes fits in one array of weights. */
    public static boolean mlpFits(long hidden, long depth) {
        return hidden * hidden * depth <= MAX_MLP_WEIGHTS;
    }
}
