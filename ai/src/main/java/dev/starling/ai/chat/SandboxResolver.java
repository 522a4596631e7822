package dev.starling.ai.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.util.ForLoop;
import java.beans.FeatureDescriptor;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MethodNotFoundException;
import jinjava.javax.el.PropertyNotWritableException;

/**
 * The only way template expressions reach values: replaces Jinjava's default resolvers, which would let
 * template text read bean properties and call any public Java method of any object it can reach.
 *
 * <p>Allowed: item and attribute reads on dicts ({@code m.role}, {@code m['role']}), indexes on lists and
 * strings (negative too, as in Python), the attributes of {@code loop}, the Python methods of {@link PyMethods},
 * and the engine's own calls of filters and tests. Everything else reads as undefined or fails with a message
 * naming the attribute. Nothing can be written through it.
 */
final class SandboxResolver extends ELResolver {

    private final long maxChars;

    SandboxResolver(long maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base == null) {
            return null; // top-level names are the interpreter's business (its context)
        }
        context.setPropertyResolved(true);
        String name = String.valueOf(property);
        return switch (base) {
            case Map<?, ?> map -> map.get(name);
            case List<?> list -> index(name).map(i -> element(list, i)).orElse(null);
            case CharSequence cs -> index(name).map(i -> character(cs, i)).orElse(null);
            case ForLoop loop -> loopAttribute(loop, name);
            default -> null;
        };
    }

    private static java.util.Optional<Long> index(String name) {
        try {
            return java.util.Optional.of(Long.parseLong(name));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static Object element(List<?> list, long index) {
        long i = index < 0 ? index + list.size() : index;
        return i >= 0 && i < list.size() ? list.get((int) i) : null;
    }

    /** The code point at a Python index (an emoji is one character, as in Python). */
    private static Object character(CharSequence cs, long index) {
        int[] codePoints = cs.codePoints().toArray();
        long i = index < 0 ? index + codePoints.length : index;
        return i >= 0 && i < codePoints.length ? Character.toString(codePoints[(int) i]) : null;
    }

    private static Object loopAttribute(ForLoop loop, String name) {
        return switch (name) {
            case "index" -> loop.getIndex();
            case "index0" -> loop.getIndex0();
            case "revindex" -> loop.getRevindex();
            case "revindex0" -> loop.getRevindex0();
            case "first" -> loop.isFirst();
            case "last" -> loop.isLast();
            case "length" -> loop.getLength();
            case "depth" -> loop.getDepth();
            case "depth0" -> loop.getDepth0();
            default -> null;
        };
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        String name = method.toString();
        Object result;
        if (base instanceof Filter filter && name.equals("filter")) {
            result = callFilter(filter, params);
        } else if (base instanceof ExpTest test && (name.equals("evaluate") || name.equals("evaluateNegated"))) {
            result = callTest(test, name.equals("evaluateNegated"), params);
        } else if (base instanceof ForLoop loop && name.equals("cycle")) {
            result = loop.cycle(params == null ? new Object[0] : params);
        } else if (base instanceof CharSequence || base instanceof Map<?, ?> || base instanceof List<?>) {
            try {
                result = PyMethods.call(base, name, params, maxChars);
            } catch (PyMethods.PyMethodException e) {
                throw new MethodNotFoundException(e.getMessage());
            }
        } else {
            throw new MethodNotFoundException("'" + PyMethods.pyTypeName(base) + "' object has no method '" + name
                    + "' (template sandbox)");
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** Jinjava calls filters as {@code filter(value, interpreter, Object[] args, Map kwargs)}. */
    @SuppressWarnings("unchecked")
    private static Object callFilter(Filter filter, Object[] params) {
        if (params == null || params.length != 4 || !(params[1] instanceof JinjavaInterpreter interpreter)) {
            throw new MethodNotFoundException("filter " + filter.getName() + ": unexpected call shape");
        }
        Object[] args = params[2] instanceof Object[] array ? array : new Object[0];
        Map<String, Object> kwargs = params[3] instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        return filter.filter(params[0], interpreter, args, kwargs);
    }

    /** Jinjava calls tests as {@code evaluate(value, interpreter, args...)}. */
    private static Object callTest(ExpTest test, boolean negated, Object[] params) {
        if (params == null || params.length < 2 || !(params[1] instanceof JinjavaInterpreter interpreter)) {
            throw new MethodNotFoundException("test " + test.getName() + ": unexpected call shape");
        }
        Object[] args = java.util.Arrays.copyOfRange(params, 2, params.length);
        return negated ? test.evaluateNegated(params[0], interpreter, args) : test.evaluate(params[0], interpreter, args);
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        throw new PropertyNotWritableException("templates cannot assign attributes (template sandbox)");
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return Collections.emptyIterator();
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return Object.class;
    }
}
