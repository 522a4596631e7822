package dev.starling.ai.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Python methods that chat templates call on strings, dicts and lists ({@code content.strip()},
 * {@code role.startswith('sys')}, {@code d.items()}, ...), implemented with Python's semantics on plain Java
 * values. This list is the whole of what template text may call: nothing here mutates its receiver (as in
 * Jinja's {@code ImmutableSandboxedEnvironment}, which Hugging Face uses), and nothing reaches Java methods.
 */
final class PyMethods {

    private PyMethods() {
    }

    /** Raised for a method that does not exist (or is not allowed) and for bad arguments; says which. */
    static final class PyMethodException extends RuntimeException {
        PyMethodException(String message) {
            super(message);
        }
    }

    static Object call(Object receiver, String name, Object[] args, long maxChars) {
        Object[] a = args == null ? new Object[0] : args;
        return switch (receiver) {
            case CharSequence cs -> callString(cs.toString(), name, a, maxChars);
            case Map<?, ?> map -> callMap(map, name, a);
            case List<?> list -> callList(list, name, a);
            case null -> throw new PyMethodException("'NoneType' object has no attribute '" + name + "'");
            default -> throw new PyMethodException(
                    "'" + pyTypeName(receiver) + "' object has no attribute '" + name + "' (template sandbox)");
        };
    }

    static String pyTypeName(Object value) {
        return switch (value) {
            case null -> "NoneType";
            case CharSequence cs -> "str";
            case Boolean b -> "bool";
            case Integer i -> "int";
            case Long l -> "int";
            case Double d -> "float";
            case Float f -> "float";
            case Map<?, ?> m -> "dict";
            case Collection<?> c -> "list";
            default -> "object";
        };
    }

    // ---- str ----

    private static Object callString(String s, String name, Object[] a, long maxChars) {
        return switch (name) {
            case "strip" -> strip(s, charsArg(a, name), true, true);
            case "lstrip" -> strip(s, charsArg(a, name), true, false);
            case "rstrip" -> strip(s, charsArg(a, name), false, true);
            case "startswith" -> affix(s, name, a, true);
            case "endswith" -> affix(s, name, a, false);
            case "split" -> split(s, optString(a, 0, name), optInt(a, 1, -1, name));
            case "rsplit" -> rsplit(s, optString(a, 0, name), optInt(a, 1, -1, name));
            case "splitlines" -> {
                arity(name, a, 0, 0);
                yield splitLines(s);
            }
            case "upper" -> {
                arity(name, a, 0, 0);
                yield s.toUpperCase(java.util.Locale.ROOT);
            }
            case "lower" -> {
                arity(name, a, 0, 0);
                yield s.toLowerCase(java.util.Locale.ROOT);
            }
            case "capitalize" -> {
                arity(name, a, 0, 0);
                yield s.isEmpty() ? s
                        : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                                + s.substring(1).toLowerCase(java.util.Locale.ROOT);
            }
            case "title" -> {
                arity(name, a, 0, 0);
                yield title(s);
            }
            case "replace" -> replace(s, a, maxChars);
            case "find" -> {
                arity(name, a, 1, 1);
                yield codePointIndex(s, s.indexOf(str(a[0], name)));
            }
            case "rfind" -> {
                arity(name, a, 1, 1);
                yield codePointIndex(s, s.lastIndexOf(str(a[0], name)));
            }
            case "count" -> {
                arity(name, a, 1, 1);
                yield (long) countOccurrences(s, str(a[0], name));
            }
            case "join" -> join(s, a, maxChars);
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(PyMethods::isPyWhitespace);
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            default -> throw new PyMethodException("'str' object has no attribute '" + name + "' (template sandbox)");
        };
    }

    /** A UTF-16 index as Python's code-point index (-1 stays -1). */
    private static long codePointIndex(String s, int utf16Index) {
        return utf16Index < 0 ? -1 : s.codePointCount(0, utf16Index);
    }

    static boolean isPyWhitespace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && stripped(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isPyWhitespace(c) : chars.indexOf(c) >= 0;
    }

    private static boolean affix(String s, String name, Object[] a, boolean prefix) {
        arity(name, a, 1, 1);
        Object arg = a[0];
        List<?> candidates = arg instanceof List<?> list ? list : List.of(str(arg, name));
        for (Object candidate : candidates) {
            String c = str(candidate, name);
            if (prefix ? s.startsWith(c) : s.endsWith(c)) {
                return true;
            }
        }
        return false;
    }

    static List<String> split(String s, String sep, long maxSplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isPyWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isPyWhitespace(s.charAt(j))) {
                    j++;
                }
                parts.add(s.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (sep.isEmpty()) {
            throw new PyMethodException("split: empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<String> rsplit(String s, String sep, long maxSplit) {
        if (maxSplit < 0 || sep == null) {
            if (sep == null && maxSplit >= 0) {
                throw new PyMethodException("rsplit: maxsplit without a separator is not supported");
            }
            return split(s, sep, -1);
        }
        if (sep.isEmpty()) {
            throw new PyMethodException("rsplit: empty separator");
        }
        List<String> parts = new ArrayList<>();
        int end = s.length();
        while (parts.size() < maxSplit) {
            int at = s.lastIndexOf(sep, end - sep.length());
            if (at < 0 || end - sep.length() < 0) {
                break;
            }
            parts.addFirst(s.substring(at + sep.length(), end));
            end = at;
        }
        parts.addFirst(s.substring(0, end));
        return parts;
    }

    private static List<String> splitLines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(s.substring(start, i));
                i += (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousCased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
        }
        return out.toString();
    }

    private static String replace(String s, Object[] a, long maxChars) {
        arity("replace", a, 2, 3);
        String old = str(a[0], "replace");
        String replacement = str(a[1], "replace");
        long count = a.length == 3 ? toLong(a[2], "replace") : -1;
        StringBuilder out = new StringBuilder();
        int from = 0;
        long done = 0;
        if (old.isEmpty()) {
            throw new PyMethodException("replace: empty search string is not supported");
        }
        while (count < 0 || done < count) {
            int at = s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(s, from, at).append(replacement);
            if (out.length() > maxChars) {
                throw new PyMethodException("replace: result longer than " + maxChars + " characters");
            }
            from = at + old.length();
            done++;
        }
        return out.append(s, from, s.length()).toString();
    }

    private static int countOccurrences(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Object[] a, long maxChars) {
        arity("join", a, 1, 1);
        if (!(a[0] instanceof Collection<?> items)) {
            throw new PyMethodException("join: can only join an iterable, not " + pyTypeName(a[0]));
        }
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(sep);
            }
            first = false;
            out.append(str(item, "join"));
            if (out.length() > maxChars) {
                throw new PyMethodException("join: result longer than " + maxChars + " characters");
            }
        }
        return out.toString();
    }

    // ---- dict ----

    private static Object callMap(Map<?, ?> map, String name, Object[] a) {
        return switch (name) {
            case "items" -> {
                arity(name, a, 0, 0);
                List<List<Object>> items = new ArrayList<>(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    List<Object> pair = new ArrayList<>(2);
                    pair.add(e.getKey());
                    pair.add(e.getValue());
                    items.add(pair);
                }
                yield items;
            }
            case "keys" -> {
                arity(name, a, 0, 0);
                yield new ArrayList<>(map.keySet());
            }
            case "values" -> {
                arity(name, a, 0, 0);
                yield new ArrayList<>(map.values());
            }
            case "get" -> {
                arity(name, a, 1, 2);
                Object key = a[0] instanceof CharSequence cs ? cs.toString() : a[0];
                yield map.containsKey(key) ? map.get(key) : (a.length == 2 ? a[1] : null);
            }
            default -> throw new PyMethodException("'dict' object has no attribute '" + name + "' (template sandbox)");
        };
    }

    // ---- list ----

    private static Object callList(List<?> list, String name, Object[] a) {
        return switch (name) {
            case "index" -> {
                arity(name, a, 1, 1);
                for (int i = 0; i < list.size(); i++) {
                    if (pyEquals(list.get(i), a[0])) {
                        yield (long) i;
                    }
                }
                throw new PyMethodException("index: value is not in list");
            }
            case "count" -> {
                arity(name, a, 1, 1);
                yield list.stream().filter(x -> pyEquals(x, a[0])).count();
            }
            default -> throw new PyMethodException("'list' object has no attribute '" + name + "' (template sandbox)");
        };
    }

    private static boolean pyEquals(Object x, Object y) {
        if (x instanceof Number nx && y instanceof Number ny) {
            return nx.doubleValue() == ny.doubleValue();
        }
        if (x instanceof CharSequence cx && y instanceof CharSequence cy) {
            return cx.toString().equals(cy.toString());
        }
        return Objects.equals(x, y);
    }

    // ---- arguments ----

    private static void arity(String name, Object[] a, int min, int max) {
        if (a.length < min || a.length > max) {
            throw new PyMethodException(name + "() takes " + (min == max ? String.valueOf(min) : min + " to " + max)
                    + " arguments (" + a.length + " given)");
        }
    }

    private static String charsArg(Object[] a, String name) {
        arity(name, a, 0, 1);
        return a.length == 0 ? null : optString(a, 0, name);
    }

    private static String optString(Object[] a, int index, String name) {
        if (a.length <= index || a[index] == null) {
            return null;
        }
        return str(a[index], name);
    }

    private static long optInt(Object[] a, int index, long fallback, String name) {
        return a.length <= index || a[index] == null ? fallback : toLong(a[index], name);
    }

    private static String str(Object o, String name) {
        if (o instanceof CharSequence cs) {
            return cs.toString();
        }
        throw new PyMethodException(name + "(): expected a str argument, got " + pyTypeName(o));
    }

    private static long toLong(Object o, String name) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw new PyMethodException(name + "(): expected an int argument, got " + pyTypeName(o));
    }
}
