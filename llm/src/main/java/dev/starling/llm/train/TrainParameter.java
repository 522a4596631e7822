package dev.starling.llm.train;

/**
 * One trainable tensor: an F32 value and its F32 gradient of the same shape, row-major
 * {@code [rows][cols]} (a vector is {@code [1][cols]}). {@code decay} says whether AdamW applies
 * weight decay to it (matrices yes, norm gains no, as in nanoGPT and llm.c).
 */
public record TrainParameter(String name, int rows, int cols, float[] value, float[] grad, boolean decay) {

    public TrainParameter {
        if (rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": shape " + rows + "x" + cols + " invalid");
        }
        if (value.length != rows * cols || grad.length != rows * cols) {
            throw new IllegalArgumentException(name + ": value/grad length " + value.length + "/" + grad.length
                    + " != " + rows + "x" + cols);
        }
    }

    public static TrainParameter zeros(String name, int rows, int cols, boolean decay) {
        return new TrainParameter(name, rows, cols, new float[rows * cols], new float[rows * cols], decay);
    }

    public int size() {
        return value.length;
    }

    public void zeroGrad() {
        java.util.Arrays.fill(grad, 0f);
    }
}
