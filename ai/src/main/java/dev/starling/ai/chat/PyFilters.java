package dev.starling.ai.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Filters whose Jinjava versions differ from what Hugging Face templates expect from Python's Jinja. */
final class PyFilters {

    private PyFilters() {
    }

    /** {@code tojson} and {@code tojson(indent=4)}: Python's {@code json.dumps(..., ensure_ascii=False)}. */
    static final class ToJson implements Filter {
        private final long maxChars;

        ToJson(long maxChars) {
            this.maxChars = maxChars;
        }

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0 ? args[0] : null);
            Integer spaces = switch (indent) {
                case null -> null;
                case Number n -> Math.clamp(n.intValue(), 0, 16);
                default -> throw new IllegalArgumentException("tojson: indent must be a number, not " + indent);
            };
            return PyJson.dumps(var, spaces, maxChars);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PyJson.dumps(var, null, maxChars);
        }
    }

    /** {@code trim}: Python's {@code str.strip()}, or {@code strip(chars)} with an argument. */
    static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return "";
            }
            String chars = args.length > 0 ? args[0] : null;
            return PyMethods.strip(var.toString(), chars, true, true);
        }
    }

    /** {@code length} (and {@code count}): Python's {@code len}, so a string counts code points, not UTF-16 units. */
    static final class Length implements Filter {
        private final String name;

        Length(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return switch (var) {
                case null -> 0L;
                case CharSequence cs -> (long) cs.codePoints().count();
                case java.util.Collection<?> c -> (long) c.size();
                case Map<?, ?> m -> (long) m.size();
                case Object[] a -> (long) a.length;
                default -> throw new IllegalArgumentException(name + ": object of type "
                        + PyMethods.pyTypeName(var) + " has no len()");
            };
        }
    }

    /** {@code items}: a dict's {@code [key, value]} pairs, as Jinja 3.1's {@code |items}. */
    static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return new ArrayList<>();
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("items: expected a dict, got " + PyMethods.pyTypeName(var));
            }
            List<List<Object>> pairs = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                List<Object> pair = new ArrayList<>(2);
                pair.add(e.getKey());
                pair.add(e.getValue());
                pairs.add(pair);
            }
            return pairs;
        }
    }
}
