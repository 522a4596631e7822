package dev.starling.app.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * JUnit extension for the browser tests: one in-process Starling ({@link E2eServer}) and one headless
 * Chromium ({@link Browser}) shared by every browser test class of the run (started on first use,
 * closed when the run ends); each class starts with no cookies. Test methods receive {@link Browser}
 * and {@link E2eServer} as parameters.
 *
 * <p>The browser is Debian's {@code chromium} driven by {@code chromium-driver}, found at
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (override with the system properties
 * {@code starling.e2e.chromium} and {@code starling.e2e.chromedriver}); axe-core comes from
 * {@code scripts/axe} ({@code npm ci}). When either is missing the tests are skipped with a message
 * saying what to install, except under CI (environment {@code CI} set), where {@code .ci/run} installs
 * them and a missing one fails the run.
 */
public final class BrowserExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BrowserExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Path projectDir = Path.of(System.getProperty("starling.project.dir", "..")).toAbsolutePath().normalize();
        Path chromium = Path.of(System.getProperty("starling.e2e.chromium", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getProperty("starling.e2e.chromedriver", "/usr/bin/chromedriver"));
        Path axeScript = Axe.scriptPath(projectDir);
        require(Files.isExecutable(chromium), "no Chromium at " + chromium + " (apt-get install chromium chromium-driver)");
        require(Files.isExecutable(chromedriver), "no chromedriver at " + chromedriver + " (apt-get install chromium-driver)");
        require(Files.isRegularFile(axeScript), "no axe-core at " + axeScript + " (cd scripts/axe && npm ci)");

        ExtensionContext.Store root = context.getRoot().getStore(NS);
        Shared shared = root.computeIfAbsent(Shared.class, k -> Shared.start(chromium, chromedriver, axeScript, screenshotDir(projectDir)),
                Shared.class);
        shared.browser.driver().manage().deleteAllCookies();
        shared.browser.driver().get("about:blank");
    }

    private static Path screenshotDir(Path projectDir) {
        String configured = System.getProperty("starling.e2e.screenshots");
        return configured != null ? Path.of(configured) : projectDir.resolve("app/target/e2e-screenshots");
    }

    private static void require(boolean ok, String message) {
        if (ok) {
            return;
        }
        if (System.getenv("CI") != null) {
            throw new IllegalStateException("browser tests cannot run under CI: " + message);
        }
        Assumptions.abort("browser tests skipped: " + message);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == Browser.class || type == E2eServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Shared shared = e.getRoot().getStore(NS).get(Shared.class, Shared.class);
        if (shared == null) {
            throw new IllegalStateException("BrowserExtension did not start (see the class's beforeAll)");
        }
        return p.getParameter().getType() == Browser.class ? shared.browser : shared.server;
    }

    /** The server and the browser, closed together at the end of the run. */
    private record Shared(E2eServer server, Browser browser) implements AutoCloseable {
        static Shared start(Path chromium, Path chromedriver, Path axeScript, Path screenshots) {
            E2eServer server = E2eServer.start("browser");
            try {
                long t0 = System.nanoTime();
                ChromeOptions options = new ChromeOptions();
                options.setBinary(chromium.toFile());
                options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                        "--disable-extensions", "--window-size=1280,800", "--lang=en-US");
                options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
                ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver.toString()))
                        .usingAnyFreePort().build();
                ChromeDriver driver = new ChromeDriver(service, options);
                System.out.printf("e2e: %s ready in %d ms%n", driver.getCapabilities().getBrowserVersion(), (System.nanoTime() - t0) / 1_000_000);
                try {
                    Files.deleteIfExists(screenshots.resolve("page-weights.txt")); // one run's figures, not an accumulation
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new Shared(server, new Browser(driver, server.baseUrl(), Axe.load(axeScript), screenshots));
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                browser.close();
            } finally {
                server.close();
            }
        }
    }
}
