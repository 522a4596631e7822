package dev.starling.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A person's way through Starling in a real browser, step by step (each step builds on the ones
 * before, in order): sign up, post, a second person follows the first and sees the post on their home
 * timeline, replies, likes, searches with an operator (and the typeahead), asks a question and opens a
 * citation, has a post explained and its thread summarized, explores trends, and changes the AI
 * training consent. Every page reached is checked by
 * axe-core and for console errors ({@link Browser}); the main pages are photographed at phone and
 * desktop sizes.
 */
@ExtendWith(BrowserExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneyBrowserTest {
    static final String WREN = "wren_e2e";
    static final String FINCH = "finch_e2e";
    static final String POST_TEXT = "Spotted the first swallows of spring by the old mill #firstswallow";

    /** The id of wren's post, found on the timeline after posting. */
    static String wrenPostId;

    private static void signUp(Browser b, String username) {
        b.visit("/sign_up");
        b.type(By.id("username"), username);
        b.type(By.id("email"), username + "@example.org");
        b.type(By.id("password"), "correct horse " + username);
        b.find(By.id("agreement")).click();
        b.submitAndLoad(b.find(By.id("sign-up-submit")));
        assertEquals("@" + username, b.find(By.className("whoami")).getText(), "signed in as the new account");
    }

    private static void signOut(Browser b) {
        b.submitAndLoad(b.find(By.id("sign-out")));
        assertFalse(b.findAll(By.id("sign-in-link")).isEmpty(), "signed out");
    }

    private static void signIn(Browser b, String username) {
        b.visit("/sign_in");
        b.type(By.id("login"), username);
        b.type(By.id("password"), "correct horse " + username);
        b.submitAndLoad(b.find(By.id("sign-in-submit")));
        assertEquals("@" + username, b.find(By.className("whoami")).getText());
    }

    /** The article of the first post on the page whose text contains {@code text}. */
    private static WebElement postWithText(Browser b, String text) {
        return b.waitFor(d -> d.findElements(By.cssSelector("article[data-post-id]")).stream()
                .filter(a -> a.getText().contains(text)).findFirst().orElse(null), "a post containing \"" + text + "\"");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void signUpAndPost(Browser b) {
        signUp(b, WREN);
        b.screenshots("home-new-account");
        b.type(By.id("compose-text"), POST_TEXT);
        b.submitAndLoad(b.find(By.id("compose-submit")));
        WebElement post = postWithText(b, "first swallows of spring");
        wrenPostId = post.getAttribute("data-post-id");
        assertTrue(post.getText().contains("#firstswallow"));
        b.screenshots("home");
        signOut(b);
    }

    @Test
    @Order(2)
    void anotherPersonFollowsAndSeesThePostOnTheirHomeTimeline(Browser b) {
        signUp(b, FINCH);
        b.visit("/@" + WREN);
        b.screenshots("profile");
        b.submitAndLoad(b.find(By.id("follow")));
        assertFalse(b.findAll(By.id("unfollow")).isEmpty(), "the profile now offers to unfollow: " + b.pageTextExcerpt());
        b.clickAndLoad(b.find(By.id("nav-home")));
        postWithText(b, "first swallows of spring");
    }

    @Test
    @Order(3)
    void replyToThePost(Browser b) {
        b.visit("/posts/" + wrenPostId);
        WebElement reply = b.find(By.cssSelector("article[data-post-id='" + wrenPostId + "'] a[id^='reply-']"));
        b.clickAndLoad(reply);
        b.type(By.id("compose-text"), "@" + WREN + " Lovely! I saw them by the river too.");
        b.submitAndLoad(b.find(By.id("compose-submit")));
        assertTrue(b.currentPath().startsWith("/posts/" + wrenPostId), "back on the thread: " + b.currentPath());
        postWithText(b, "I saw them by the river too");
        b.screenshots("thread");
    }

    @Test
    @Order(4)
    void likeThePost(Browser b) {
        b.visit("/posts/" + wrenPostId);
        WebElement like = b.find(By.cssSelector("article[data-post-id='" + wrenPostId + "'] button[id^='like-']"));
        String id = like.getAttribute("id");
        assertEquals("false", like.getAttribute("aria-pressed"));
        like.click();
        b.waitFor(d -> "true".equals(d.findElement(By.id(id)).getAttribute("aria-pressed")), "the like button to be pressed");
        b.checkPage();
        b.visit("/posts/" + wrenPostId);
        assertTrue(postWithText(b, "first swallows").getText().contains("1 like"), "the like is stored: " + b.pageTextExcerpt());
    }

    @Test
    @Order(5)
    void searchWithAnOperatorAndTheTypeahead(Browser b) {
        // The index follows the database in near real time; under load a fresh post can take a moment.
        String query = "/search?q=swallows+from%3A" + WREN + "&tab=latest";
        b.visit(query);
        for (int i = 0; i < 30 && b.findAll(By.cssSelector("article[data-post-id='" + wrenPostId + "']")).isEmpty(); i++) {
            sleep(500);
            b.visit(query);
        }
        b.visit("/search");
        WebElement box = b.find(By.id("search-q"));
        box.sendKeys("wren_e");
        WebElement suggestion = b.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#search-suggestions a[href='/@" + WREN + "']")),
                "a typeahead suggestion for @" + WREN);
        assertTrue(suggestion.getText().contains(WREN));
        box.sendKeys(Keys.ARROW_DOWN);
        assertEquals(suggestion, b.driver().switchTo().activeElement(), "ArrowDown moves into the suggestions");
        box.clear();
        box.sendKeys("swallows from:" + WREN);
        b.submitAndLoad(b.find(By.id("search-submit")));
        WebElement hit = postWithText(b, "first swallows of spring");
        assertEquals(wrenPostId, hit.getAttribute("data-post-id"));
        b.screenshots("search");
        b.clickAndLoad(b.find(By.id("search-tab-latest")));
        postWithText(b, "first swallows of spring");
        b.visit("/search?q=swallows+-from%3A" + WREN + "&tab=latest");
        assertTrue(b.findAll(By.cssSelector("article[data-post-id='" + wrenPostId + "']")).isEmpty(), "-from: excludes the post");
    }

    @Test
    @Order(6)
    void askAQuestionAndOpenACitation(Browser b) {
        b.visit("/ask");
        b.type(By.id("ask-question"), "Where did people see swallows this spring?");
        b.find(By.id("ask-submit")).click();
        WebElement sources = b.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("answer-sources")), "the streamed answer's sources");
        assertEquals("/ask", b.currentPath(), "the answer streamed into the page (no page load)");
        assertTrue(b.find(By.id("answer-label")).getText().contains("AI-generated"));
        assertTrue(b.find(By.id("answer-label")).getText().contains(E2eServer.MODEL_ID));
        assertTrue(sources.getText().contains(WREN), "wren's post is among the sources: " + sources.getText());
        assertEquals(b.find(By.id("answer-heading")), b.driver().switchTo().activeElement(), "focus moves to the answer");
        b.checkPage();
        b.screenshots("ask");
        List<WebElement> inText = b.findAll(By.cssSelector("#answer-text a.citation"));
        WebElement citation = inText.isEmpty() ? b.find(By.id("source-link-1")) : inText.getFirst();
        String href = citation.getAttribute("href");
        b.clickAndLoad(citation);
        assertTrue(href.endsWith(b.currentPath()), "opened " + href + ", at " + b.currentPath());
        assertTrue(b.currentPath().startsWith("/posts/"), b.currentPath());
    }

    @Test
    @Order(7)
    void explainThisPostAndSummarizeItsThread(Browser b) {
        b.visit("/posts/" + wrenPostId);
        b.clickAndLoad(b.find(By.cssSelector("article[data-post-id='" + wrenPostId + "'] a[href='/posts/" + wrenPostId + "/explain']")));
        b.find(By.id("explain-submit")).click();
        WebElement sources = b.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("answer-sources")), "the explanation's sources");
        assertTrue(b.find(By.id("source-link-1")).getAttribute("href").endsWith("/posts/" + wrenPostId), "source [1] is the post: " + sources.getText());
        b.checkPage();
        b.screenshots("explain");

        b.visit("/posts/" + wrenPostId);
        b.clickAndLoad(b.find(By.cssSelector("article[data-post-id='" + wrenPostId + "'] a[href='/posts/" + wrenPostId + "/summarize']")));
        b.find(By.id("summarize-submit")).click();
        WebElement thread = b.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("answer-sources")), "the summary's sources");
        assertTrue(thread.getText().contains(FINCH), "finch's reply is part of the summarized thread: " + thread.getText());
        b.checkPage();
    }

    @Test
    @Order(8)
    void exploreTrendsAndAStory(Browser b) {
        b.clickAndLoad(b.find(By.id("nav-explore")));
        WebElement tags = b.find(By.id("trending-tags"));
        assertFalse(tags.findElements(By.cssSelector("a[href='/tags/" + E2eServer.BURST_TAG + "']")).isEmpty(),
                "the planted burst trends: " + tags.getText());
        WebElement story = b.find(By.cssSelector("#stories article.story"));
        List<WebElement> label = story.findElements(By.className("ai-label"));
        if (!label.isEmpty()) {
            assertTrue(label.getFirst().getText().contains("AI-generated"), label.getFirst().getText());
            WebElement cited = story.findElement(By.cssSelector("details.story-posts"));
            cited.findElement(By.tagName("summary")).click();
            assertFalse(cited.findElements(By.cssSelector("article[data-post-id]")).isEmpty(), "the cited posts are shown");
        } else {
            assertTrue(story.getText().contains("No summary yet"), "a story without text says why: " + story.getText());
        }
        b.checkPage();
        b.screenshots("explore");
        WebElement tag = tags.findElement(By.cssSelector("a[href='/tags/" + E2eServer.BURST_TAG + "']"));
        b.clickAndLoad(tag);
        postWithText(b, "#" + E2eServer.BURST_TAG);
    }

    @Test
    @Order(9)
    void changeTheTrainingConsent(Browser b, E2eServer server) {
        long finch = server.social().accounts().byUsername(FINCH).orElseThrow().id();
        assertFalse(server.social().trainingConsent().consents(finch), "opt-in: a new account does not consent");
        b.clickAndLoad(b.find(By.id("nav-settings")));
        assertTrue(b.find(By.id("consent-statement")).getText().contains("public posts"));
        assertTrue(b.find(By.id("consent-status")).getText().contains("No"));
        b.screenshots("settings");
        b.find(By.id("training-consent-yes")).click();
        b.submitAndLoad(b.find(By.id("save-consent")));
        assertTrue(b.find(By.id("notice")).getText().contains("may now be used to train"), b.pageTextExcerpt());
        assertTrue(b.find(By.id("consent-status")).getText().contains("Yes"));
        assertTrue(server.social().trainingConsent().consents(finch));
        b.find(By.id("training-consent-no")).click();
        b.submitAndLoad(b.find(By.id("save-consent")));
        assertFalse(server.social().trainingConsent().consents(finch));

        b.type(By.id("display_name"), "Finch the Tester");
        b.submitAndLoad(b.find(By.id("save-profile")));
        assertTrue(b.find(By.id("notice")).getText().contains("profile was saved"), b.pageTextExcerpt());
        assertEquals("Finch the Tester", server.social().accounts().byId(finch).orElseThrow().displayName());
    }

    @Test
    @Order(10)
    void theFirstPersonSeesTheReplyAndTheLikeInNotifications(Browser b) {
        signOut(b);
        signIn(b, WREN);
        b.clickAndLoad(b.find(By.id("nav-notifications")));
        String text = b.find(By.tagName("main")).getText();
        assertTrue(text.contains(FINCH), "notifications name finch: " + text);
        b.screenshots("notifications");
    }
}
