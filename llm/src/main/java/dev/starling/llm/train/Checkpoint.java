package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Exact save and resume of training: model config, every F32 parameter, AdamW hyperparameters, step
 * count and both moments, the trainer's step and the caller's data position. Resuming and training on
 * gives the same bits as never stopping.
 * <p>Format "STCK" version 1, little-endian: magic, u32 version, the config (UTF-8 architecture, ints
 * and floats), tied flag, AdamW (4 f64 + i64 steps), trainer step (i32), data position (i64), u32
 * tensor count, then per tensor: UTF-8 name, i32 rows, i32 cols, u8 hasMoments, values f32[], then
 * m f32[] and v f32[] when present. Written to a temporary file and moved into place.
 */
public final class Checkpoint {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "STCK".getBytes(StandardCharsets.US_ASCII);

    private Checkpoint() {
    }

    /** A loaded checkpoint, ready to resume with {@code new Trainer(params, optimizer, schedule, clip, step)}. */
    public record State(LlamaParameters params, AdamW optimizer, int step, long dataPosition) {
    }

    public static void save(Path out, LlamaParameters p, AdamW opt, int step, long dataPosition) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
             DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
            // DataOutputStream is big-endian; write little-endian through the helpers below
            d.write(MAGIC);
            le32(d, VERSION);
            ModelConfig c = p.config();
            string(d, c.architecture());
            for (int v : new int[] {c.dim(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.ffnDim(), c.vocabSize(),
                    c.contextLength(), c.ropeDims(), c.ropeStyle().ordinal(), p.tiedOutput() ? 1 : 0}) {
                le32(d, v);
            }
            for (float v : new float[] {c.rmsEps(), c.ropeTheta(), c.ropeFreqScale()}) {
                le32(d, Float.floatToRawIntBits(v));
            }
            for (double v : new double[] {opt.beta1(), opt.beta2(), opt.eps(), opt.weightDecay()}) {
                le64(d, Double.doubleToRawLongBits(v));
            }
            le64(d, opt.steps());
            le32(d, step);
            le64(d, dataPosition);
            le32(d, p.all().size());
            for (TrainParameter t : p.all()) {
                string(d, t.name());
                le32(d, t.rows());
                le32(d, t.cols());
                float[][] mv = opt.moments(t);
                d.writeByte(mv != null ? 1 : 0);
                floats(d, t.value());
                if (mv != null) {
                    floats(d, mv[0]);
                    floats(d, mv[1]);
                }
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static State load(Path in) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE - 8) {
                throw new IOException(in + ": " + ch.size() + " bytes is more than this reader's 2 GiB limit");
            }
            b = ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read fully
            }
            b.flip().order(ByteOrder.LITTLE_ENDIAN);
        }
        int at = 0;
        try {
            byte[] magic = new byte[4];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(in + " at offset 0: not a Starling training checkpoint (no STCK magic)");
            }
            at = b.position();
            int version = b.getInt();
            if (version != VERSION) {
                throw new IOException(in + " at offset " + at + ": checkpoint version " + version + ", this build reads " + VERSION);
            }
            at = b.position();
            String arch = string(b, in);
            int[] i = new int[11];
            for (int k = 0; k < i.length; k++) {
                i[k] = b.getInt();
            }
            float[] f = {b.getFloat(), b.getFloat(), b.getFloat()};
            if (i[9] < 0 || i[9] >= RopeStyle.values().length) {
                throw new IOException(in + " at offset " + at + ": rope style " + i[9] + " unknown");
            }
            ModelConfig c;
            try {
                c = new ModelConfig(arch, i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], f[0], f[1], i[8], f[2],
                        RopeStyle.values()[i[9]], false);
            } catch (IllegalArgumentException e) {
                throw new IOException(in + " at offset " + at + ": " + e.getMessage(), e);
            }
            LlamaParameters p = new LlamaParameters(c, i[10] != 0);
            at = b.position();
            AdamW opt;
            try {
                opt = new AdamW(b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble());
            } catch (IllegalArgumentException e) {
                throw new IOException(in + " at offset " + at + ": " + e.getMessage(), e);
            }
            long optSteps = b.getLong();
            int step = b.getInt();
            long dataPosition = b.getLong();
            at = b.position();
            int count = b.getInt();
            if (count != p.all().size() || optSteps < 0 || step < 0) {
                throw new IOException(in + " at offset " + at + ": " + count + " tensors (expected " + p.all().size()
                        + "), optimizer steps " + optSteps + ", step " + step);
            }
            Map<TrainParameter, float[][]> moments = new IdentityHashMap<>();
            for (TrainParameter t : p.all()) {
                at = b.position();
                String name = string(b, in);
                int rows = b.getInt();
                int cols = b.getInt();
                if (!name.equals(t.name()) || rows != t.rows() || cols != t.cols()) {
                    throw new IOException(in + " at offset " + at + ": tensor " + name + " " + rows + "x" + cols
                            + ", expected " + t.name() + " " + t.rows() + "x" + t.cols());
                }
                boolean hasMoments = b.get() != 0;
                b.asFloatBuffer().get(t.value());
                b.position(b.position() + 4 * t.size());
                if (hasMoments) {
                    float[] m = new float[t.size()];
                    float[] v = new float[t.size()];
                    b.asFloatBuffer().get(m);
                    b.position(b.position() + 4 * t.size());
                    b.asFloatBuffer().get(v);
                    b.position(b.position() + 4 * t.size());
                    moments.put(t, new float[][] {m, v});
                }
            }
            if (b.hasRemaining()) {
                throw new IOException(in + " at offset " + b.position() + ": " + b.remaining() + " trailing bytes");
            }
            opt.restore(optSteps, moments);
            return new State(p, opt, step, dataPosition);
        } catch (BufferUnderflowException e) {
            throw new IOException(in + ": truncated in the record starting at offset " + at, e);
        }
    }

    private static void le32(DataOutputStream d, int v) throws IOException {
        d.writeInt(Integer.reverseBytes(v));
    }

    private static void le64(DataOutputStream d, long v) throws IOException {
        d.writeLong(Long.reverseBytes(v));
    }

    private static void floats(DataOutputStream d, float[] a) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(a);
        d.write(buf.array());
    }

    private static void string(DataOutputStream d, String s) throws IOException {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        le32(d, raw.length);
        d.write(raw);
    }

    private static String string(ByteBuffer b, Path in) throws IOException {
        int at = b.position();
        int n = b.getInt();
        if (n < 0 || n > 4096 || n > b.remaining()) {
            throw new IOException(in + " at offset " + at + ": string length " + n + " invalid");
        }
        byte[] raw = new byte[n];
        b.get(raw);
        return new String(raw, StandardCharsets.UTF_8);
    }
}
