/**
 * Browser tests: the web app driven in headless Chromium as a person would use it.
 *
 * <p>{@link dev.starling.app.e2e.BrowserExtension} starts Starling in-process over a fresh test
 * database with a small seeded demo network ({@link dev.starling.app.e2e.E2eServer}, wired as
 * {@code starling serve}) and one Chromium session (Debian's {@code chromium} + {@code chromium-driver},
 * Selenium). Every page a test reaches through {@link dev.starling.app.e2e.Browser} is checked with
 * axe-core (serious or critical violations fail, naming rule and node) and for console errors (a CSP
 * violation shows there). Screenshots at 390x844 and 1280x800 go to
 * {@code app/${starling.build.dir}/e2e-screenshots/}.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl app -am test -Dtest='*BrowserTest*' -Dsurefire.failIfNoSpecifiedTests=false}.
 * Without Chromium or {@code scripts/axe/node_modules} they skip with a message saying what to install;
 * under CI ({@code CI} set) they fail instead.
 */
package dev.starling.app.e2e;
