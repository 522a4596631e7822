package dev.starling.app.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium session against the in-process server, with the checks every page gets:
 * after each navigation ({@link #visit}, {@link #clickAndLoad}, {@link #submitAndLoad}) axe-core runs on the
 * new document and any serious or critical violation fails the test (rule, impact, node), and the
 * browser console must hold no error (a Content-Security-Policy violation, a failed script or
 * resource shows there). {@link #screenshots} saves the page at 390x844 (phone) and 1280x800 (desktop).
 */
final class Browser implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final String baseUrl;
    private final Axe axe;
    private final Path screenshotDir;
    private final List<String> pagesChecked = new ArrayList<>();

    Browser(ChromeDriver driver, String baseUrl, Axe axe, Path screenshotDir) {
        this.driver = driver;
        this.baseUrl = baseUrl;
        this.axe = axe;
        this.screenshotDir = screenshotDir;
    }

    WebDriver driver() {
        return driver;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The paths of every document checked by axe so far in this session, in order. */
    List<String> pagesChecked() {
        return List.copyOf(pagesChecked);
    }

    /** Opens {@code path} (relative to the server), waits for the document, and checks it. */
    void visit(String path) {
        driver.get(baseUrl + path);
        waitForDocument();
        checkPage();
    }

    /** Clicks {@code element}, waits for the next document to load, and checks it. */
    void clickAndLoad(WebElement element) {
        WebElement html = driver.findElement(By.tagName("html"));
        element.click();
        waitFor(ExpectedConditions.stalenessOf(html), "a new page after clicking " + describe(element));
        waitForDocument();
        checkPage();
    }

    /** Submits the form of {@code control} (a field or button inside it) by clicking the control, waits, checks. */
    void submitAndLoad(WebElement submitButton) {
        clickAndLoad(submitButton);
    }

    /** Types {@code text} into the field labelled or named as {@code by}, after clearing it. */
    WebElement type(By by, String text) {
        WebElement field = find(by);
        field.clear();
        field.sendKeys(text);
        return field;
    }

    WebElement find(By by) {
        return waitFor(ExpectedConditions.presenceOfElementLocated(by), "element " + by + " on " + currentPath());
    }

    List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /**
     * Waits up to {@link #WAIT} for {@code condition} (an element replaced by a script while it is read counts as
     * not yet); on timeout fails naming {@code what} and the page.
     */
    <T> T waitFor(Function<? super WebDriver, T> condition, String what) {
        try {
            return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            fail("waited " + WAIT.toSeconds() + " s for " + what + " on " + currentPath() + "; page text:\n" + pageTextExcerpt());
            throw e;
        }
    }

    /** The path and query of the current URL, without the server's origin. */
    String currentPath() {
        String url = driver.getCurrentUrl();
        return url != null && url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
    }

    String pageTextExcerpt() {
        try {
            String text = driver.findElement(By.tagName("body")).getText();
            return text.length() <= 1500 ? text : text.substring(0, 1500) + "...";
        } catch (RuntimeException e) {
            return "(no body: " + e.getMessage() + ")";
        }
    }

    /** axe on the current document plus the console check; fails listing every problem found. */
    void checkPage() {
        String path = currentPath();
        pagesChecked.add(path);
        List<String> problems = new ArrayList<>();
        for (String v : axe.seriousViolations(driver)) {
            problems.add("axe: " + v);
        }
        for (String e : consoleErrors()) {
            problems.add("console: " + e);
        }
        if (!problems.isEmpty()) {
            fail("page " + path + " has " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
    }

    /** Severe browser console entries since the last call (the log is drained by reading it). */
    List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !entry.getMessage().contains("/favicon.ico")) {
                out.add(entry.getMessage());
            }
        }
        return out;
    }

    /**
     * Saves the current page as {@code NAME-390x844.png} and {@code NAME-1280x800.png} under the
     * screenshot directory, emulating each viewport exactly (DevTools device metrics), then restores it.
     */
    List<Path> screenshots(String name) {
        recordWeight(name);
        List<Path> saved = new ArrayList<>();
        saved.add(screenshot(name, 390, 844, true));
        saved.add(screenshot(name, 1280, 800, false));
        return saved;
    }

    /**
     * Appends the current page's weight (bytes of the HTML document, of the stylesheets and of the scripts
     * it loaded, as the browser decoded them: Resource Timing's {@code decodedBodySize}) to
     * {@code page-weights.txt} beside the screenshots, one line per page.
     */
    void recordWeight(String name) {
        Object r = ((JavascriptExecutor) driver).executeScript("""
                const nav = performance.getEntriesByType('navigation')[0];
                let css = 0, js = 0;
                for (const e of performance.getEntriesByType('resource')) {
                  const path = new URL(e.name).pathname;
                  if (path.endsWith('.css')) css += e.decodedBodySize;
                  else if (path.endsWith('.js')) js += e.decodedBodySize;
                }
                return [nav ? nav.decodedBodySize : -1, css, js];
                """);
        List<?> w = (List<?>) r;
        String line = String.format("%-22s html %7s B  css %6s B  js %6s B  (%s)%n", name, w.get(0), w.get(1), w.get(2), currentPath());
        try {
            Files.createDirectories(screenshotDir);
            Files.writeString(screenshotDir.resolve("page-weights.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the page weight of " + name, e);
        }
        System.out.print("e2e weight: " + line);
    }

    private Path screenshot(String name, int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
        try {
            ((JavascriptExecutor) driver).executeScript("return document.body.offsetHeight;"); // let layout settle
            byte[] png = driver.getScreenshotAs(OutputType.BYTES);
            Files.createDirectories(screenshotDir);
            Path file = screenshotDir.resolve(name + "-" + width + "x" + height + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save screenshot " + name, e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private void waitForDocument() {
        waitFor(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")), "the document to load");
    }

    private static String describe(WebElement e) {
        try {
            String text = e.getText();
            return "<" + e.getTagName() + "> " + (text.length() > 40 ? text.substring(0, 40) : text);
        } catch (RuntimeException ex) {
            return "an element";
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
