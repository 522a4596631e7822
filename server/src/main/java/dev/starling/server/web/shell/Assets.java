package dev.starling.server.web.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The web app's static files (classpath {@code web/static/**}: CSS, ES modules, icons), read once at
 * start. They are served at {@code /static/<version>/<path>} where {@code version} is a content
 * hash of the whole set (SHA-256 over every path and its bytes): any change to any file gives every
 * URL a new version, so responses are cached as immutable for a year, and ES modules can import
 * each other by relative URL ({@code import "./live.js"}) and still get the same version.
 * A request for another version answers 404 rather than serving new bytes under an old name.
 */
public final class Assets {
    /** The classpath folder the files come from. */
    public static final String ROOT = "web/static";
    /** A file the folder always holds, used to find it on the classpath. */
    private static final String MARKER = "app.css";
    /** Largest single asset accepted at start. */
    public static final int MAX_ASSET_BYTES = 2 * 1024 * 1024;

    /** One file: its path under the root ({@code ai/ask.js}), bytes and content type. */
    public record Asset(String path, byte[] bytes, String contentType) {}

    private final Map<String, Asset> byPath;
    private final String version;

    private Assets(Map<String, Asset> byPath, String version) {
        this.byPath = byPath;
        this.version = version;
    }

    /** Reads every file under {@link #ROOT} from the class path of {@code loader} (directory or jar). */
    public static Assets load(ClassLoader loader) {
        URL marker = loader.getResource(ROOT + "/" + MARKER);
        if (marker == null) throw new IllegalStateException("classpath resource " + ROOT + "/" + MARKER + " is missing: the web assets were not packaged");
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return read(fs.getPath("/" + ROOT));
            }
            return read(Path.of(uri).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad URI of " + marker, e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading web assets from " + marker, e);
        }
    }

    /** Reads every regular file under {@code root} (for tests and tools). */
    public static Assets read(Path root) throws IOException {
        Map<String, Asset> files = new TreeMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path p : paths) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            long size = Files.size(p);
            if (size > MAX_ASSET_BYTES) throw new IOException("web asset " + p + " is " + size + " bytes, at most " + MAX_ASSET_BYTES);
            byte[] bytes = Files.readAllBytes(p);
            files.put(rel, new Asset(rel, bytes, contentType(rel)));
            sha.update(rel.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes);
            sha.update((byte) 0);
        }
        String version = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        return new Assets(Collections.unmodifiableMap(files), version);
    }

    /** The content hash of the whole set, the {@code <version>} of every URL. */
    public String version() {
        return version;
    }

    /** The versioned URL of a file; fails (a bug) when there is no such file. */
    public String url(String path) {
        if (!byPath.containsKey(path)) throw new IllegalArgumentException("no web asset " + ROOT + "/" + path);
        return "/static/" + version + "/" + path;
    }

    /** The file at {@code path} when {@code version} is the current one. */
    public Optional<Asset> get(String requestedVersion, String path) {
        if (!version.equals(requestedVersion)) return Optional.empty();
        return Optional.ofNullable(byPath.get(path));
    }

    /** Every file by path (sizes for page-weight reports). */
    public Map<String, Asset> all() {
        return byPath;
    }

    static String contentType(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".css")) return "text/css; charset=utf-8";
        if (p.endsWith(".js") || p.endsWith(".mjs")) return "text/javascript; charset=utf-8";
        if (p.endsWith(".svg")) return "image/svg+xml";
        if (p.endsWith(".png")) return "image/png";
        if (p.endsWith(".ico")) return "image/x-icon";
        if (p.endsWith(".woff2")) return "font/woff2";
        if (p.endsWith(".json")) return "application/json";
        if (p.endsWith(".txt")) return "text/plain; charset=utf-8";
        return "application/octet-stream";
    }
}
