package dev.starling.ai.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Templates come from model files: hostile ones must fail cleanly, quickly, and without reaching Java. */
class ChatTemplateSandboxTest {

    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("hello"));

    private static RenderOutcome render(String source, ChatTemplateLimits limits) {
        return ChatTemplate.of(source, "<s>", "</s>", limits, Clock.systemUTC()).render(MESSAGES, true);
    }

    private static String failure(String source) {
        RenderOutcome outcome = render(source, ChatTemplateLimits.DEFAULT);
        return assertInstanceOf(RenderOutcome.Failed.class, outcome, () -> "expected a failure, got " + outcome)
                .reason();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{{ ''.getClass() }}",
        "{{ ''.getClass().forName('java.lang.Runtime') }}",
        "{{ messages.getClass() }}",
        "{{ messages[0].content.getBytes() }}",
        "{{ messages[0].content.toCharArray() }}",
        "{{ messages.clear() }}",
        "{{ messages.add('x') }}",
        "{{ messages[0].put('role', 'system') }}",
        "{% for m in messages %}{{ loop.getClass() }}{% endfor %}",
        "{{ 'x'.hashCode() }}",
        "{{ namespace(a=1).getClass() }}",
        "{{ (1).getClass() }}",
    })
    void javaMethodsAreNotReachable(String source) {
        String reason = failure(source);
        assertTrue(reason.contains("template sandbox") || reason.contains("no attribute") || reason.contains("method"),
                reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{{ ''.class }}", "{{ messages.class }}", "{{ ''.class.name }}", "{{ messages[0].class.classLoader }}",
        "{{ ____int3rpr3t3r____ }}", "{{ ____int3rpr3t3r____.config }}",
    })
    void javaPropertiesReadAsUndefined(String source) {
        RenderOutcome outcome = render(source, ChatTemplateLimits.DEFAULT);
        if (outcome instanceof RenderOutcome.Rendered r) {
            assertFalse(r.text().contains("java") || r.text().contains("Class") || r.text().contains("@"),
                    "leaked: " + r.text());
        }
    }

    @Test
    void nothingCanBeWrittenIntoTheMessages() {
        String source = "{% set x = messages[0].update({'role': 'system'}) %}{{ messages[0].role }}";
        assertTrue(failure(source).contains("no attribute 'update'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{% include '/etc/passwd' %}",
        "{% import '/etc/passwd' as p %}{{ p }}",
        "{% from 'x.jinja' import y %}",
        "{% extends '/etc/passwd' %}",
        "{{ '{{ 7*7 }}' | render }}",
    })
    void otherFilesAndNestedTemplatesAreRefused(String source) {
        String reason = failure(source);
        assertFalse(reason.contains("root:"), reason);
    }

    @Test
    void nestedLoopsStopAtTheNodeBudget() {
        long started = System.nanoTime();
        String reason = failure(
                "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(reason.contains("loop too long") || reason.contains("longer than"), reason);
        assertTrue(millis < 10_000, "took " + millis + " ms");
    }

    @Test
    void slowRendersStopAtTheTimeBudget() {
        ChatTemplateLimits limits = new ChatTemplateLimits(10_000, 100_000_000, 200, Long.MAX_VALUE, 100_000);
        long started = System.nanoTime();
        RenderOutcome outcome = render("{% for i in range(100000) %}{% for j in range(100000) %}"
                + "{% set k = j %}{% endfor %}{% endfor %}", limits);
        long millis = (System.nanoTime() - started) / 1_000_000;
        String reason = assertInstanceOf(RenderOutcome.Failed.class, outcome).reason();
        assertTrue(reason.contains("200 ms"), reason);
        assertTrue(millis < 5_000, "took " + millis + " ms");
    }

    @Test
    void doublingStringsStopsAtTheSizeLimit() {
        String reason = failure("{% set ns = namespace(s='0123456789') %}{% for i in range(40) %}"
                + "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}");
        assertFalse(reason.isBlank());
    }

    @Test
    void hugeOutputStopsAtTheOutputLimit() {
        ChatTemplateLimits limits = new ChatTemplateLimits(10_000, 10_000, 2_000, 1_000_000, 100_000);
        RenderOutcome outcome = render("{% for i in range(50000) %}0123456789{% endfor %}", limits);
        assertInstanceOf(RenderOutcome.Failed.class, outcome);
    }

    @Test
    void recursiveMacrosDoNotRecurse() {
        RenderOutcome outcome = render("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}done",
                ChatTemplateLimits.DEFAULT);
        if (outcome instanceof RenderOutcome.Rendered r) {
            assertTrue(r.text().endsWith("done"), r.text());
        }
    }

    @Test
    void oversizedTemplatesAreRefusedUpFront() {
        ChatTemplateLimits limits = new ChatTemplateLimits(100, 10_000, 2_000, 1_000_000, 1_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.of("x".repeat(101), "", "", limits, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("101 characters"), e.getMessage());
    }

    @Test
    void aFailedRenderLeavesTheTemplateUsable() {
        ChatTemplate t = ChatTemplate.of("{% if messages | length > 1 %}{{ raise_exception('one only') }}"
                + "{% endif %}{{ messages[0].content }}", "", "");
        assertInstanceOf(RenderOutcome.Failed.class, t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")),
                false));
        assertTrue(t.render(MESSAGES, false).orElseThrow().equals("hello"));
    }
}
