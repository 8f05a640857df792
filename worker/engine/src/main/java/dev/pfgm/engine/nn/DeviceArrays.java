package dev.pfgm.engine.nn;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between Java float arrays and ND4J arrays. The networks keep element-wise work in
 * Java (it vectorises well) and give ND4J the matrix products; these copies are the seam. The
 * location calls keep host and device copies in step on the CUDA backend and cost nothing on CPU.
 */
public final class DeviceArrays {
    private static final AffinityManager AFFINITY = Nd4j.getAffinityManager();

    private DeviceArrays() {
    }

    public static INDArray matrix(int rows, int cols) {
        return Nd4j.create(DataType.FLOAT, rows, cols);
    }

    public static void upload(float[] src, int srcOffset, INDArray dst, int length) {
        FloatBuffer fb = dst.data().asNioFloat();
        fb.position((int) dst.offset());
        fb.put(src, srcOffset, length);
        AFFINITY.tagLocation(dst, AffinityManager.Location.HOST);
    }

    public static void download(INDArray src, float[] dst, int dstOffset, int length) {
        AFFINITY.ensureLocation(src, AffinityManager.Location.HOST);
        FloatBuffer fb = src.data().asNioFloat();
        fb.position((int) src.offset());
        fb.get(dst, dstOffset, length);
    }
}
