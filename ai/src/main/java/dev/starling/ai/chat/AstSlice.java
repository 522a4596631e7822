package dev.starling.ai.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.Node;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;

/**
 * A Python slice, {@code seq[start:end:step]}, of a list or a string: absent bounds take Python's defaults, negative
 * ones count from the end, and strings are sequences of code points (an emoji is one item, as in Python).
 */
final class AstSlice extends AstRightValue {

    private final AstNode base;
    private final AstNode start;
    private final AstNode end;
    private final AstNode step;

    AstSlice(AstNode base, AstNode start, AstNode end, AstNode step) {
        this.base = base;
        this.start = start;
        this.end = end;
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object seq = base.eval(bindings, context);
        long stepValue = bound(step, bindings, context, 1);
        if (stepValue == 0) {
            throw new ELException("slice step cannot be zero");
        }
        if (seq == null) {
            return null;
        }
        List<?> items = switch (seq) {
            case CharSequence cs -> cs.codePoints().mapToObj(Character::toString).toList();
            case List<?> list -> list;
            case Collection<?> c -> new ArrayList<>(c);
            default -> throw new ELException("cannot slice a " + PyMethods.pyTypeName(seq));
        };
        int n = items.size();
        long lo;
        long hi;
        if (stepValue > 0) {
            lo = clamp(bound(start, bindings, context, 0), n, 0, n);
            hi = clamp(bound(end, bindings, context, n), n, 0, n);
        } else {
            lo = clamp(bound(start, bindings, context, n - 1), n, -1, n - 1);
            hi = clamp(bound(end, bindings, context, Long.MIN_VALUE), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; stepValue > 0 ? i < hi : i > hi; i += stepValue) {
            out.add(items.get((int) i));
        }
        if (seq instanceof CharSequence) {
            StringBuilder sb = new StringBuilder();
            out.forEach(sb::append);
            return sb.toString();
        }
        return out;
    }

    /** Python's slice bound adjustment: negative counts from the end, then clamped to [min, max]. */
    private static long clamp(long value, int n, long min, long max) {
        if (value == Long.MIN_VALUE) {
            return min; // absent end with a negative step: run past the start
        }
        long v = value < 0 ? value + n : value;
        return Math.max(min, Math.min(max, v));
    }

    private static long bound(AstNode node, Bindings bindings, ELContext context, long absent) {
        if (node == null) {
            return absent;
        }
        Object value = node.eval(bindings, context);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new ELException("slice indices must be integers, not " + PyMethods.pyTypeName(value));
    }

    @Override
    public void appendStructure(StringBuilder b, Bindings bindings) {
        base.appendStructure(b, bindings);
        b.append('[');
        if (start != null) {
            start.appendStructure(b, bindings);
        }
        b.append(':');
        if (end != null) {
            end.appendStructure(b, bindings);
        }
        b.append(':');
        if (step != null) {
            step.appendStructure(b, bindings);
        }
        b.append(']');
    }

    @Override
    public String toString() {
        return "[:]";
    }

    @Override
    public int getCardinality() {
        return 4;
    }

    @Override
    public Node getChild(int i) {
        return switch (i) {
            case 0 -> base;
            case 1 -> start;
            case 2 -> end;
            case 3 -> step;
            default -> null;
        };
    }
}
