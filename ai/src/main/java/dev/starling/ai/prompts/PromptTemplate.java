package dev.starling.ai.prompts;

import dev.starling.ai.chat.ChatMessage;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One prompt file, parsed. The format (UTF-8, at most {@link #MAX_BYTES} bytes):
 *
 * <pre>
 * # starling prompt
 * # version: 2
 * # description: what it is for (optional)
 * [system]
 * Instructions, written by the operator. {{placeholders}} are filled at render time.
 * [user]
 * Question: {{question}}
 * {{posts}}
 * </pre>
 *
 * Header lines start with {@code #} and come before the first section; {@code version} (a positive integer) is
 * required. Sections are {@code [system]}, {@code [user]} and {@code [assistant]} on a line of their own; each becomes
 * a chat message in file order (text trimmed). Placeholders are {@code {{name}}} with a name of lower-case letters,
 * digits and {@code _}; rendering fills them in one pass (a value is never scanned for placeholders again), and a
 * placeholder without a value is an error, as is a value no placeholder uses.
 */
public final class PromptTemplate {

    public static final int MAX_BYTES = 64 * 1024;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s]*)\\s*}}");
    private static final Pattern SECTION = Pattern.compile("\\[(system|user|assistant)]");
    private static final Pattern HEADER = Pattern.compile("#\\s*([a-z_]+)\\s*:\\s*(.*)");

    private record Section(String role, String text) {
    }

    private final PromptRef ref;
    private final String description;
    private final List<Section> sections;
    private final Set<String> placeholders;

    private PromptTemplate(PromptRef ref, String description, List<Section> sections, Set<String> placeholders) {
        this.ref = ref;
        this.description = description;
        this.sections = sections;
        this.placeholders = placeholders;
    }

    /**
     * Parses a prompt file's bytes.
     *
     * @param name   the prompt's name
     * @param where  the file, for messages ({@code classpath:prompts/ask.txt}, a path)
     * @param source {@code classpath} or {@code directory}
     * @throws PromptException naming {@code where}, the line and the problem
     */
    public static PromptTemplate parse(String name, String where, String source, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new PromptException(where + ": the prompt file is " + bytes.length + " bytes, at most " + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PromptException(where + ": the prompt file is not valid UTF-8");
        }
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        Integer version = null;
        String description = "";
        List<Section> sections = new ArrayList<>();
        String role = null;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher section = SECTION.matcher(line.strip());
            if (section.matches()) {
                if (role != null) {
                    sections.add(new Section(role, body.toString().strip()));
                }
                role = section.group(1);
                body.setLength(0);
                continue;
            }
            if (role == null) {
                if (line.isBlank()) {
                    continue;
                }
                if (!line.startsWith("#")) {
                    throw new PromptException(where + ":" + (i + 1) + ": text before the first section; start one with"
                            + " [system] or [user] on its own line");
                }
                Matcher h = HEADER.matcher(line);
                if (h.matches()) {
                    String value = h.group(2).strip();
                    switch (h.group(1)) {
                        case "version" -> {
                            try {
                                version = Integer.parseInt(value);
                            } catch (NumberFormatException e) {
                                version = -1;
                            }
                            if (version < 1) {
                                throw new PromptException(where + ":" + (i + 1) + ": version must be a positive integer, got '"
                                        + value + "'");
                            }
                        }
                        case "description" -> description = value;
                        default -> { } // other header keys are comments
                    }
                }
                continue;
            }
            body.append(line).append('\n');
        }
        if (role != null) {
            sections.add(new Section(role, body.toString().strip()));
        }
        if (version == null) {
            throw new PromptException(where + ": no '# version: N' header line before the first section");
        }
        if (sections.isEmpty()) {
            throw new PromptException(where + ": no [system] or [user] section");
        }
        Set<String> placeholders = new LinkedHashSet<>();
        for (Section s : sections) {
            Matcher m = PLACEHOLDER.matcher(s.text());
            while (m.find()) {
                if (!PromptBindings.NAME.matcher(m.group(1)).matches()) {
                    throw new PromptException(where + ": [" + s.role() + "] has a malformed placeholder '" + m.group()
                            + "'; names are lower-case letters, digits and _");
                }
                placeholders.add(m.group(1));
            }
        }
        return new PromptTemplate(new PromptRef(name, version, sha256(bytes), source), description, List.copyOf(sections),
                Set.copyOf(placeholders));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public PromptRef ref() {
        return ref;
    }

    public String description() {
        return description;
    }

    /** The placeholder names the file uses. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /**
     * The chat messages, placeholders filled.
     *
     * @throws IllegalArgumentException when a placeholder has no value or a value has no placeholder (a bug in the
     *                                  caller or a prompt edited to drop something the feature needs)
     */
    public List<ChatMessage> render(PromptBindings bindings) {
        Map<String, String> values = bindings.values();
        for (String p : placeholders) {
            if (!values.containsKey(p)) {
                throw new IllegalArgumentException("prompt " + ref.name() + " needs a value for {{" + p + "}}");
            }
        }
        for (String v : values.keySet()) {
            if (!placeholders.contains(v)) {
                throw new IllegalArgumentException("prompt " + ref.name() + " (" + ref.source() + ") has no {{" + v
                        + "}}; the feature's input would be dropped");
            }
        }
        List<ChatMessage> out = new ArrayList<>(sections.size());
        for (Section s : sections) {
            Matcher m = PLACEHOLDER.matcher(s.text());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
            }
            m.appendTail(sb);
            out.add(new ChatMessage(s.role(), sb.toString()));
        }
        return out;
    }
}
