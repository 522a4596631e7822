package dev.starling.ai.prompts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values of a prompt's {@code {{placeholders}}}. Untrusted values go through {@link PromptText}: {@link #text}
 * and {@link #line} escape, {@link #posts} quotes in delimited blocks. {@link #trusted} is for values Starling makes
 * itself (numbers, dates, the instance's name), never for anything a person wrote.
 */
public final class PromptBindings {

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    private final Map<String, String> values = new LinkedHashMap<>();

    public static PromptBindings of() {
        return new PromptBindings();
    }

    /** Untrusted text, escaped (line breaks kept). */
    public PromptBindings text(String name, String untrusted) {
        return put(name, PromptText.escape(untrusted));
    }

    /** Untrusted text on one line, escaped. */
    public PromptBindings line(String name, String untrusted) {
        return put(name, PromptText.escapeLine(untrusted));
    }

    /** Posts as quoted, delimited blocks. */
    public PromptBindings posts(String name, List<QuotedPost> posts) {
        return put(name, PromptText.quoteAll(posts));
    }

    /** A value Starling made itself (a number, a date): inserted as is. */
    public PromptBindings trusted(String name, String value) {
        return put(name, value);
    }

    Map<String, String> values() {
        return values;
    }

    private PromptBindings put(String name, String value) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a placeholder name is [a-z][a-z0-9_]{0,31}, got '" + name + "'");
        }
        values.put(name, value);
        return this;
    }
}
