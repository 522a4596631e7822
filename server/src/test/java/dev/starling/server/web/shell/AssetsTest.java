package dev.starling.server.web.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The asset set's version is a content hash: it changes with any byte or name, and only current files are served. */
class AssetsTest {

    @Test
    void versionFollowsContentAndOnlyKnownFilesOfTheCurrentVersionAreServed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.css"), "body{}");
        Files.createDirectories(dir.resolve("ai"));
        Files.writeString(dir.resolve("ai/ask.js"), "export const a = 1;");
        Assets first = Assets.read(dir);
        assertEquals(first.version(), Assets.read(dir).version(), "deterministic");
        assertEquals("/static/" + first.version() + "/ai/ask.js", first.url("ai/ask.js"));
        assertTrue(first.get(first.version(), "ai/ask.js").isPresent());
        assertTrue(first.get(first.version(), "../app.css").isEmpty());
        assertTrue(first.get("0000000000000000", "app.css").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> first.url("missing.js"));
        assertEquals("text/javascript; charset=utf-8", first.get(first.version(), "ai/ask.js").orElseThrow().contentType());

        Files.writeString(dir.resolve("ai/ask.js"), "export const a = 2;");
        assertNotEquals(first.version(), Assets.read(dir).version(), "a changed byte changes every URL");
        Files.writeString(dir.resolve("ai/ask.js"), "export const a = 1;");
        assertEquals(first.version(), Assets.read(dir).version());
        Files.move(dir.resolve("ai/ask.js"), dir.resolve("ai/asks.js"));
        assertNotEquals(first.version(), Assets.read(dir).version(), "a renamed file changes every URL");
    }

    @Test
    void theAppsOwnAssetsLoadFromTheClassPath() {
        Assets assets = Assets.load(Assets.class.getClassLoader());
        for (String f : new String[] {"app.css", "app.js", "actions.js", "compose.js", "live.js"}) {
            assertTrue(assets.all().containsKey(f), f);
        }
        assertEquals(16, assets.version().length());
    }
}
