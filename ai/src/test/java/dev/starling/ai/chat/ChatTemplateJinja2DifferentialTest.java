package dev.starling.ai.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against the reference: Python's Jinja2 set up exactly as Hugging Face transformers sets it up
 * for chat templates (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loop controls, its tojson,
 * raise_exception and strftime_now). Seeded random conversations (odd whitespace, Unicode, quotes, Jinja syntax
 * inside messages, reasoning blocks, roles out of order) through every real template in ../shared/data; each must
 * render to the same text, or fail in both. Skips when python3 with jinja2 or the shared data is absent.
 * Replay with {@code -Dtests.seed=N}.
 */
class ChatTemplateJinja2DifferentialTest {

    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    private static final int CONVERSATIONS_PER_TEMPLATE = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** transformers' chat template environment, rendering each case of a JSON file; prints results as JSON. */
    private static final String PYTHON = """
            import json, sys
            from datetime import datetime
            import jinja2
            from jinja2.sandbox import ImmutableSandboxedEnvironment
            from jinja2.ext import loopcontrols
            def raise_exception(message):
                raise jinja2.exceptions.TemplateError(message)
            def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
                return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
            def strftime_now(fmt):
                return datetime(2026, 11, 29, 13, 0, 0).strftime(fmt)
            env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
            env.filters["tojson"] = tojson
            env.globals["raise_exception"] = raise_exception
            env.globals["strftime_now"] = strftime_now
            cases = json.load(open(sys.argv[1], encoding="utf-8"))
            compiled = {}
            out = []
            for c in cases:
                src = c["template"]
                if src not in compiled:
                    compiled[src] = env.from_string(src)
                try:
                    text = compiled[src].render(messages=c["messages"], tools=None, documents=None,
                        add_generation_prompt=c["add_generation_prompt"], bos_token=c["bos"], eos_token=c["eos"])
                    out.append({"ok": True, "text": text})
                except Exception as e:
                    out.append({"ok": False, "error": str(e)})
            sys.stdout.write(json.dumps(out))
            """;

    /**
     * The Python-flavoured features the sandbox adds, in one template with indented block tags (lstrip_blocks and
     * trim_blocks matter here): string methods, slices with steps and negative bounds on Unicode text, namespace,
     * loop attributes and controls, dict items, tojson with and without indent, tests, filters, booleans and none.
     */
    private static final String KITCHEN_SINK = """
            {% set ns = namespace(count=0, chars=0) %}
            {% for m in messages %}
                {% if m.role == 'system' %}
            [SYS {{ m.content | trim | tojson }}]
                {% elif not m.content.strip() %}
            [EMPTY {{ loop.index }} {{ loop.first }}]
                {% else %}
                    {% set ns.count = ns.count + 1 %}
                    {% set ns.chars = ns.chars + m.content | length %}
            [{{ m.role.upper() }} {{ loop.index0 }}/{{ loop.length }} {{ m.content.split()[:2] | tojson }}
             {{ m.content[::-1][:3] | tojson }} {{ m.content[-2:] | tojson }} {{ m.content[1::2] | tojson }}
             {{ m.content.startswith('hello') }} {{ 'think' in m.content }} {{ m.content.lstrip().title()[:8] }}
             {{ m.content.replace('a', 'A') | length }} {{ m.content.find('o') }} {{ m.content[0] if m.content else '' }}]
                {% endif %}
                {% if loop.revindex0 == 0 %}{% break %}{% endif %}
            {% endfor %}
            count={{ ns.count }} chars={{ ns.chars }} {{ {'n': ns.count, 'roles': messages | map(attribute='role') | list} | tojson(indent=2) }}
            {% for k, v in {'a': 1, 'b': [true, none, 2.5]}.items() %}{{ k }}={{ v | tojson }};{% endfor %}
            {{ messages[-1]['content'] | length > 3 }} {{ messages | selectattr('role', 'equalto', 'user') | list | length }}
            {{ (messages | last).role }} {{ messages[::-2] | map(attribute='role') | join(',') }}
            {% if add_generation_prompt %}<gen>{% endif %}
            """;

    @TempDir
    Path dir;

    private record Case(String name, String template, String bos, String eos, List<Map<String, String>> messages,
            boolean addGenerationPrompt) {
    }

    @Test
    void rendersAsHuggingFacesJinja2Does() throws Exception {
        Assumptions.assumeTrue(pythonWithJinja2(), "skipped: python3 with jinja2 is not available");
        Path shared = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data");
        Assumptions.assumeTrue(Files.isDirectory(shared.resolve("chat-templates")),
                () -> "skipped: " + shared.resolve("chat-templates") + " is absent (shared data not present)");
        System.out.println("ChatTemplateJinja2DifferentialTest seed " + SEED + " (replay with -Dtests.seed=" + SEED + ")");

        Map<String, String[]> templates = new LinkedHashMap<>(); // name -> template, bos, eos
        try (var files = Files.list(shared.resolve("chat-templates"))) {
            for (Path f : files.sorted().toList()) {
                templates.put(f.getFileName().toString(), new String[] {Files.readString(f), "<s>", "</s>"});
            }
        }
        for (String model : List.of("llama3", "qwen3")) {
            Path config = shared.resolve("tokenizers").resolve(model).resolve("tokenizer_config.json");
            if (Files.isReadable(config)) {
                templates.put(model + "/tokenizer_config.json", new String[] {
                    JSON.readTree(config.toFile()).get("chat_template").asText(), "<|begin_of_text|>", "<|im_end|>"});
            }
        }

        templates.put("kitchen-sink", new String[] {KITCHEN_SINK, "<s>", "</s>"});

        SplittableRandom random = new SplittableRandom(SEED);
        List<Case> cases = new ArrayList<>();
        for (var e : templates.entrySet()) {
            for (int i = 0; i < CONVERSATIONS_PER_TEMPLATE; i++) {
                cases.add(new Case(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2],
                        conversation(random), random.nextBoolean()));
            }
        }
        JsonNode expected = runPython(cases);

        Clock clock = Clock.fixed(Instant.parse("2026-11-29T13:00:00Z"), ZoneOffset.UTC);
        Map<String, ChatTemplate> compiled = new LinkedHashMap<>();
        int rendered = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            ChatTemplate t = compiled.computeIfAbsent(c.name(), n -> ChatTemplate.of(c.template(), c.bos(), c.eos(),
                    ChatTemplateLimits.DEFAULT, clock));
            List<ChatMessage> messages = c.messages().stream()
                    .map(m -> new ChatMessage(m.get("role"), m.get("content"))).toList();
            RenderOutcome ours = t.render(messages, c.addGenerationPrompt());
            JsonNode theirs = expected.get(i);
            String where = "seed " + SEED + ", " + c.name() + " case " + i + " " + c.messages();
            if (theirs.get("ok").asBoolean()) {
                String text = assertRendered(ours, where);
                assertEquals(theirs.get("text").asText(), text, where);
                rendered++;
            } else {
                assertTrue(ours instanceof RenderOutcome.Failed, where + ": Jinja2 failed with '"
                        + theirs.get("error").asText() + "' but we rendered " + ours);
                String reason = ((RenderOutcome.Failed) ours).reason();
                assertTrue(reason.contains(theirs.get("error").asText()), where + ": '" + reason + "' vs '"
                        + theirs.get("error").asText() + "'");
            }
        }
        assertTrue(rendered > cases.size() / 2, "too few successful renders to compare: " + rendered);
    }

    private static String assertRendered(RenderOutcome outcome, String where) {
        if (outcome instanceof RenderOutcome.Failed f) {
            throw new AssertionError(where + ": Jinja2 rendered it but we failed: " + f.reason());
        }
        return ((RenderOutcome.Rendered) outcome).text();
    }

    private static final String[] PIECES = {"hello", "World", " ", "  ", "\n", "\n\n", "\t", "é", "日本語", "😀",
        "\"quoted\"", "it's", "{{ not_a_tag }}", "{% if %}", "<|im_end|>", "a\\b", "{'k': 1}", "\u00a0", "42", "."};

    private static String text(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(0, 8); i > 0; i--) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static List<Map<String, String>> conversation(SplittableRandom random) {
        List<Map<String, String>> messages = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            messages.add(Map.of("role", "system", "content", text(random)));
        }
        int turns = random.nextInt(1, 6);
        boolean shuffled = random.nextInt(8) == 0; // roles out of order now and then (Gemma refuses)
        for (int i = 0; i < turns; i++) {
            String role = shuffled ? (random.nextBoolean() ? "user" : "assistant") : (i % 2 == 0 ? "user" : "assistant");
            String content = text(random);
            if (role.equals("assistant") && random.nextInt(4) == 0) {
                content = "<think>\n" + text(random) + "\n</think>\n\n" + content;
            }
            messages.add(Map.of("role", role, "content", content));
        }
        return messages;
    }

    private JsonNode runPython(List<Case> cases) throws IOException, InterruptedException {
        ArrayNode input = JSON.createArrayNode();
        for (Case c : cases) {
            ObjectNode node = input.addObject();
            node.put("template", c.template());
            node.put("bos", c.bos());
            node.put("eos", c.eos());
            node.put("add_generation_prompt", c.addGenerationPrompt());
            ArrayNode messages = node.putArray("messages");
            for (Map<String, String> m : c.messages()) {
                messages.addObject().put("role", m.get("role")).put("content", m.get("content"));
            }
        }
        Path in = dir.resolve("cases.json");
        Path script = dir.resolve("render.py");
        JSON.writeValue(in.toFile(), input);
        Files.writeString(script, PYTHON);
        Process p = new ProcessBuilder("python3", script.toString(), in.toString()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, p.exitValue(), "python failed: " + err);
        return JSON.readTree(out);
    }

    private static boolean pythonWithJinja2() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import jinja2").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
