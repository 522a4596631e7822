package dev.starling.llm.train.lora;

import dev.starling.llm.model.ModelConfig;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A projection of a Llama block that a LoRA adapter can adapt, with its GGUF tensor role and shape. */
public enum LoraTarget {
    Q("attn_q"), K("attn_k"), V("attn_v"), O("attn_output"), GATE("ffn_gate"), UP("ffn_up"), DOWN("ffn_down");

    /** The attention projections, as most LoRA recipes adapt (PEFT's default for Llama is q and v). */
    public static final Set<LoraTarget> ATTENTION = EnumSet.of(Q, K, V, O);
    public static final Set<LoraTarget> ALL = EnumSet.allOf(LoraTarget.class);

    private final String role;

    LoraTarget(String role) {
        this.role = role;
    }

    /** The GGUF role, e.g. {@code attn_q}; the base tensor is {@code blk.N.<role>.weight}. */
    public String role() {
        return role;
    }

    public String baseTensorName(int layer) {
        return "blk." + layer + "." + role + ".weight";
    }

    /** Input length (columns of W). */
    public int inDim(ModelConfig c) {
        return switch (this) {
            case Q, K, V, GATE, UP -> c.dim();
            case O -> c.qDim();
            case DOWN -> c.ffnDim();
        };
    }

    /** Output length (rows of W). */
    public int outDim(ModelConfig c) {
        return switch (this) {
            case Q -> c.qDim();
            case K, V -> c.kvDim();
            case O, DOWN -> c.dim();
            case GATE, UP -> c.ffnDim();
        };
    }

    /** Parses "q,k,v,o" or "all" / "attention" (case-insensitive); names the bad entry. */
    public static Set<LoraTarget> parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
            return EnumSet.copyOf(ALL);
        }
        if (s.equals("attention")) {
            return EnumSet.copyOf(ATTENTION);
        }
        EnumSet<LoraTarget> out = EnumSet.noneOf(LoraTarget.class);
        for (String part : s.split(",")) {
            String p = part.trim();
            LoraTarget found = null;
            for (LoraTarget t : values()) {
                if (t.name().toLowerCase(Locale.ROOT).equals(p) || t.role.equals(p)) {
                    found = t;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown LoRA target '" + p + "' in '" + spec
                        + "' (known: q,k,v,o,gate,up,down, all, attention)");
            }
            out.add(found);
        }
        return out;
    }

    /** The target whose role is {@code role}, or null. */
    static LoraTarget byRole(String role) {
        for (LoraTarget t : values()) {
            if (t.role.equals(role)) {
                return t;
            }
        }
        return null;
    }
}
