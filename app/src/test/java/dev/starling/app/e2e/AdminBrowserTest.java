package dev.starling.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.registry.Feature;
import dev.starling.social.accounts.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin area in a real browser: a person who is not an admin is refused; the operator makes an
 * account admin (as the command line does, through the accounts service), which then sees the models
 * and switches one, and hides a trending hashtag from Explore and shows it again.
 */
@ExtendWith(BrowserExtension.class)
class AdminBrowserTest {
    static final String HERON = "heron_e2e";

    @Test
    void adminSeesModelsAndModeratesTrends(Browser b, E2eServer server) {
        b.visit("/sign_up");
        b.type(By.id("username"), HERON);
        b.type(By.id("email"), HERON + "@example.org");
        b.type(By.id("password"), "correct horse " + HERON);
        b.find(By.id("agreement")).click();
        b.submitAndLoad(b.find(By.id("sign-up-submit")));

        b.driver().get(b.baseUrl() + "/admin");
        assertTrue(b.find(By.id("error-message")).getText().contains("administrators"), b.pageTextExcerpt());
        b.consoleErrors(); // the 403 of the refused page is expected; drain it

        long heron = server.social().accounts().byUsername(HERON).orElseThrow().id();
        server.social().accounts().setRole(heron, Role.ADMIN).orThrow();
        b.visit("/admin");
        assertFalse(b.findAll(By.id("serving-table")).isEmpty(), "which model serves each feature");
        assertFalse(b.findAll(By.id("model-" + E2eServer.MODEL_ID)).isEmpty(), "the served model is listed");
        b.screenshots("admin");

        new Select(b.find(By.id("assign-model"))).selectByValue(E2eServer.MODEL_ID);
        new Select(b.find(By.id("assign-feature"))).selectByValue("compose");
        b.submitAndLoad(b.find(By.id("assign-submit")));
        assertTrue(b.find(By.id("notice")).getText().contains("assignment was changed"), b.pageTextExcerpt());
        assertEquals(E2eServer.MODEL_ID, server.registry().snapshot().serving().get(Feature.COMPOSE));

        WebElement hide = b.find(By.cssSelector("button[aria-label='Hide tag " + E2eServer.BURST_TAG + "']"));
        b.submitAndLoad(hide);
        b.visit("/explore");
        assertTrue(b.find(By.id("trending-tags")).findElements(By.cssSelector("a[href='/tags/" + E2eServer.BURST_TAG + "']")).isEmpty(),
                "a hidden tag leaves Explore");
        b.visit("/admin");
        b.submitAndLoad(b.find(By.cssSelector("button[aria-label='Show again: tag " + E2eServer.BURST_TAG + "']")));
        b.visit("/explore");
        assertFalse(b.find(By.id("trending-tags")).findElements(By.cssSelector("a[href='/tags/" + E2eServer.BURST_TAG + "']")).isEmpty());
        b.submitAndLoad(b.find(By.id("sign-out")));
    }
}
