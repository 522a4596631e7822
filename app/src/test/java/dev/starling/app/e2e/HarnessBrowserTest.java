package dev.starling.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.opentest4j.AssertionFailedError;

/** The harness itself: the server answers, the checks catch what they are meant to catch, screenshots are written. */
@ExtendWith(BrowserExtension.class)
class HarnessBrowserTest {

    @Test
    void frontPageLoadsPassesChecksAndIsPhotographedAtBothSizes(Browser browser) throws Exception {
        browser.visit("/");
        assertEquals("/", browser.currentPath());
        List<Path> shots = browser.screenshots("harness-front");
        assertEquals(2, shots.size());
        for (Path p : shots) {
            byte[] head = Files.readAllBytes(p);
            assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "PNG written at " + p);
        }
        assertTrue(shots.get(0).getFileName().toString().endsWith("-390x844.png"), shots.get(0).toString());
    }

    @Test
    void axeFailsAPageWithAnUnlabelledFieldAndAnImageWithoutAlt(Browser browser) {
        browser.visit("/");
        ((JavascriptExecutor) browser.driver()).executeScript("""
                const main = document.body;
                const img = document.createElement('img'); img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; main.appendChild(img);
                const input = document.createElement('input'); input.type = 'text'; main.appendChild(input);
                """);
        AssertionFailedError e = assertThrows(AssertionFailedError.class, browser::checkPage);
        assertTrue(e.getMessage().contains("image-alt (critical)"), e.getMessage());
        assertTrue(e.getMessage().contains("img  <img src=\"data:image/gif"), "names the node: " + e.getMessage());
    }

    @Test
    void consoleErrorsFailThePage(Browser browser) {
        browser.visit("/");
        ((JavascriptExecutor) browser.driver()).executeScript("console.error('planted failure for the harness test');");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, browser::checkPage);
        assertTrue(e.getMessage().contains("planted failure"), e.getMessage());
        assertFalse(browser.pagesChecked().isEmpty());
    }
}
