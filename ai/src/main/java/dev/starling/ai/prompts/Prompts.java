package dev.starling.ai.prompts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The prompt templates, as files an operator can read and change: {@code prompts/<name>.txt} on the classpath
 * (shipped in {@code ai/src/main/resources/prompts/}), each overridable by a file of the same name in the operator's
 * directory ({@code starling serve --prompts-dir DIR}). Format: {@link PromptTemplate}.
 *
 * <p>A file in the directory is re-read when its size or modification time changes, so an edit takes effect on the
 * next request without a restart; every output names the prompt's {@link PromptRef} (name, version, hash). A broken
 * override is reported ({@link PromptException} naming file and line), never silently replaced by the default.
 * Thread-safe.
 *
 * <pre>{@code
 * Prompts prompts = Prompts.classpath();                 // or Prompts.withDirectory(Path.of("prompts"))
 * PromptTemplate ask = prompts.get("ask");
 * List<ChatMessage> messages = ask.render(PromptBindings.of().text("question", q).posts("posts", quoted));
 * }</pre>
 */
public final class Prompts {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String RESOURCE_DIR = "prompts/";

    private record Cached(PromptTemplate template, long sizeBytes, FileTime modified) {
    }

    private final Path directory;
    private final ClassLoader loader;
    private final Map<String, Cached> files = new ConcurrentHashMap<>();
    private final Map<String, PromptTemplate> resources = new ConcurrentHashMap<>();

    private Prompts(Path directory, ClassLoader loader) {
        this.directory = directory;
        this.loader = loader;
    }

    /** The shipped prompts only. */
    public static Prompts classpath() {
        return new Prompts(null, Prompts.class.getClassLoader());
    }

    /**
     * The shipped prompts, each overridden by {@code <directory>/<name>.txt} when that exists.
     *
     * @throws IllegalArgumentException when {@code directory} is not a readable directory
     */
    public static Prompts withDirectory(Path directory) {
        if (directory == null) {
            return classpath();
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("the prompts directory " + directory + " does not exist or is not a directory");
        }
        return new Prompts(directory.toAbsolutePath().normalize(), Prompts.class.getClassLoader());
    }

    /** The operator's directory, if any. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * The prompt called {@code name}.
     *
     * @throws PromptException when there is no such prompt or its file is malformed
     */
    public PromptTemplate get(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new PromptException("a prompt name is [a-z0-9][a-z0-9_-]{0,63}, got '" + name + "'");
        }
        if (directory != null) {
            Path file = directory.resolve(name + ".txt");
            try {
                long size = Files.size(file);
                FileTime modified = Files.getLastModifiedTime(file);
                Cached c = files.get(name);
                if (c != null && c.sizeBytes() == size && c.modified().equals(modified)) {
                    return c.template();
                }
                if (size > PromptTemplate.MAX_BYTES) {
                    throw new PromptException(file + ": the prompt file is " + size + " bytes, at most " + PromptTemplate.MAX_BYTES);
                }
                PromptTemplate t = PromptTemplate.parse(name, file.toString(), "directory", Files.readAllBytes(file));
                files.put(name, new Cached(t, size, modified));
                return t;
            } catch (NoSuchFileException e) {
                files.remove(name); // fall back to the shipped file
            } catch (IOException e) {
                throw new PromptException(file + ": cannot read the prompt file: " + e.getMessage(), e);
            }
        }
        return resources.computeIfAbsent(name, this::fromClasspath);
    }

    private PromptTemplate fromClasspath(String name) {
        String resource = RESOURCE_DIR + name + ".txt";
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PromptException("no prompt '" + name + "': neither " + (directory == null ? "" : directory.resolve(name + ".txt")
                        + " nor ") + "classpath:" + resource + " exists");
            }
            byte[] bytes = in.readNBytes(PromptTemplate.MAX_BYTES + 1);
            return PromptTemplate.parse(name, "classpath:" + resource, "classpath", bytes);
        } catch (IOException e) {
            throw new PromptException("classpath:" + resource + ": cannot read the prompt file: " + e.getMessage(), e);
        }
    }

    /**
     * Loads each of {@code names} once, so that a broken or missing prompt is found at start-up.
     *
     * @return the problems found, one message per bad prompt (empty when all are fine)
     */
    public List<String> check(List<String> names) {
        List<String> problems = new ArrayList<>();
        for (String n : names) {
            try {
                get(n);
            } catch (PromptException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }
}
