package dev.starling.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** serve's own option checks answer with a usage error naming the option, before anything is started. */
class ServeOptionsTest {

    @Test
    void aBadConsentDefaultIsAUsageErrorThatNamesTheChoices() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("serve", "--training-consent-default", "maybe", "--data-dir", "/nonexistent/never-opened"));
        assertTrue(err.toString().contains("--training-consent-default must be opt-in or opt-out, was 'maybe'"), err.toString());
    }

    @Test
    void helpListsTheConsentAndAssistantOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("serve", "--help"));
        assertTrue(out.toString().contains("--training-consent-default") && out.toString().contains("--assistant-handle"), out.toString());
    }
}
