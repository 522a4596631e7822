package dev.starling.app.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core (npm, pinned in {@code scripts/axe/package.json}) run in the page under test. The script is
 * injected with WebDriver's executeScript, which runs through the DevTools protocol and so is not
 * subject to the page's Content-Security-Policy (the page itself allows no inline script).
 *
 * <p>{@link #seriousViolations} returns one line per serious or critical violation: rule id, impact,
 * help text, and for each offending node its CSS selector and a short HTML excerpt.
 */
final class Axe {
    /** Where {@code npm ci} in {@code scripts/axe} puts the minified script. */
    static final String RELATIVE_PATH = "scripts/axe/node_modules/axe-core/axe.min.js";

    private final String source;

    private Axe(String source) {
        this.source = source;
    }

    static Path scriptPath(Path projectDir) {
        return projectDir.resolve(RELATIVE_PATH);
    }

    static Axe load(Path script) {
        try {
            return new Axe(Files.readString(script));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read axe-core from " + script, e);
        }
    }

    /** Runs axe on the whole document and returns the serious and critical violations, described. */
    List<String> seriousViolations(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        Object present = js.executeScript("return typeof window.axe === 'object';");
        if (!Boolean.TRUE.equals(present)) {
            js.executeScript(source);
        }
        Object result = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.axe.run(document, {resultTypes: ['violations']})
                  .then(r => done({ok: true, violations: r.violations.map(v => ({
                      id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary || ''}))
                  }))}))
                  .catch(e => done({ok: false, error: String(e)}));
                """);
        if (!(result instanceof Map<?, ?> map)) {
            throw new IllegalStateException("axe returned no result on " + driver.getCurrentUrl() + ": " + result);
        }
        if (!Boolean.TRUE.equals(map.get("ok"))) {
            throw new IllegalStateException("axe failed on " + driver.getCurrentUrl() + ": " + map.get("error"));
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) map.get("violations")) {
            Map<?, ?> v = (Map<?, ?>) o;
            String impact = String.valueOf(v.get("impact"));
            if (!impact.equals("serious") && !impact.equals("critical")) {
                continue;
            }
            StringBuilder line = new StringBuilder();
            line.append(v.get("id")).append(" (").append(impact).append("): ").append(v.get("help"));
            for (Object n : (List<?>) v.get("nodes")) {
                Map<?, ?> node = (Map<?, ?>) n;
                line.append("\n    at ").append(node.get("target")).append("  ").append(excerpt(String.valueOf(node.get("html"))));
                String summary = String.valueOf(node.get("summary")).replace('\n', ' ');
                if (!summary.isBlank()) {
                    line.append("\n       ").append(excerpt(summary));
                }
            }
            out.add(line.toString());
        }
        return out;
    }

    private static String excerpt(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
