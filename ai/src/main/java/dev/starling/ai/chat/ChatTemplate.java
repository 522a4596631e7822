package dev.starling.ai.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model's chat template ({@code tokenizer.chat_template}, Jinja) rendered the way Hugging Face renders it
 * ({@code trim_blocks}, {@code lstrip_blocks}, globals {@code messages}, {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token}, {@code tools}, {@code raise_exception}, {@code strftime_now}), with
 * Jinjava in a sandbox: template text cannot call Java methods or read Java properties (see
 * {@link SandboxResolver}), cannot load other files, and is stopped past the {@link ChatTemplateLimits}.
 *
 * <p>Thread-safe: one instance serves concurrent renders.
 */
public final class ChatTemplate {

    /** ChatML, for models that carry no template of their own (llama.cpp does the same). */
    public static final String CHATML = """
            {%- for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}
            {%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}""";

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final ChatTemplateLimits limits;
    private final Clock clock;
    private final Jinjava jinjava;

    private ChatTemplate(String source, String bosToken, String eosToken, ChatTemplateLimits limits, Clock clock) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.limits = limits;
        this.clock = clock;
        this.jinjava = sandboxedJinjava(limits);
    }

    /** A template with default limits and the system clock. */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return of(source, bosToken, eosToken, ChatTemplateLimits.DEFAULT, Clock.systemUTC());
    }

    /**
     * @param source   the Jinja text; a template longer than {@code limits.maxTemplateChars()} is refused
     * @param bosToken the model's beginning-of-sequence token text ("" when it has none)
     * @param eosToken the model's end-of-sequence token text ("" when it has none)
     * @param clock    what {@code strftime_now} reads (fixed in tests)
     */
    public static ChatTemplate of(String source, String bosToken, String eosToken, ChatTemplateLimits limits,
            Clock clock) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(limits, "limits");
        if (source.length() > limits.maxTemplateChars()) {
            throw new IllegalArgumentException("chat template is " + source.length() + " characters, more than the "
                    + limits.maxTemplateChars() + " allowed");
        }
        // Jinja drops a single trailing newline of the template source (keep_trailing_newline=False).
        String body = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
                : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        return new ChatTemplate(body, Objects.requireNonNullElse(bosToken, ""), Objects.requireNonNullElse(eosToken, ""),
                limits, Objects.requireNonNull(clock, "clock"));
    }

    public String source() {
        return source;
    }

    public RenderOutcome render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * @param extraVariables more globals (e.g. {@code date_string}); plain values only: strings, numbers,
     *                       booleans, null, and lists and maps of those
     */
    public RenderOutcome render(List<ChatMessage> messages, boolean addGenerationPrompt,
            Map<String, ?> extraVariables) {
        Map<String, Object> bindings = new HashMap<>();
        for (Map.Entry<String, ?> e : extraVariables.entrySet()) {
            bindings.put(e.getKey(), plain(e.getValue(), 0));
        }
        List<Object> messageMaps = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            messageMaps.add(map);
        }
        bindings.put("messages", messageMaps);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        bindings.putIfAbsent("tools", null);
        // Functions live in their own namespace in Jinjava; these names make `strftime_now is defined` true.
        bindings.put("strftime_now", "<function strftime_now>");
        bindings.put("raise_exception", "<function raise_exception>");

        RenderGuard guard = RenderGuard.enter(limits, clock);
        try {
            RenderResult result;
            try {
                result = jinjava.renderForResult(source, bindings);
            } catch (RenderGuard.StopRender e) {
                return new RenderOutcome.Failed(Objects.requireNonNullElse(guard.stopReason(), e.getMessage()));
            } catch (RuntimeException | StackOverflowError e) {
                return new RenderOutcome.Failed("chat template failed: " + e);
            }
            if (guard.stopReason() != null) {
                return new RenderOutcome.Failed(guard.stopReason());
            }
            for (TemplateError error : result.getErrors()) {
                if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                    return new RenderOutcome.Failed("chat template error at line " + error.getLineno() + ": "
                            + error.getMessage());
                }
            }
            String output = result.getOutput();
            if (output.length() > limits.maxOutputChars()) {
                return new RenderOutcome.Failed("chat template output is longer than " + limits.maxOutputChars()
                        + " characters");
            }
            return new RenderOutcome.Rendered(output);
        } finally {
            guard.exit();
        }
    }

    private Object plain(Object value, int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException("template variable nested deeper than 32 levels");
        }
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> (long) i;
            case Long l -> l;
            case Double d -> d;
            case Float f -> (double) f;
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object item : list) {
                    copy.add(plain(item, depth + 1));
                }
                yield copy;
            }
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    copy.put(String.valueOf(e.getKey()), plain(e.getValue(), depth + 1));
                }
                yield copy;
            }
            default -> throw new IllegalArgumentException("template variables must be plain values, not "
                    + value.getClass().getName());
        };
    }

    /** Jinjava's "new" behaviours that match Python Jinja; {@code {{'x'}}} without inner spaces stays legal. */
    private static final LegacyOverrides PYTHON_LIKE = LegacyOverrides.newBuilder()
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .withUsePyishObjectMapper(true)
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withAllowAdjacentTextNodes(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withKeepNullableLoopValues(true)
            .build();

    private static Jinjava sandboxedJinjava(ChatTemplateLimits limits) {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(PYTHON_LIKE)
                .withElResolver(new SandboxResolver(limits.maxOutputChars()))
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxStringLength(limits.maxOutputChars())
                .withMaxListSize(limits.maxCollectionSize())
                .withMaxMapSize(limits.maxCollectionSize())
                .withRangeLimit(limits.maxCollectionSize())
                .withMaxRenderDepth(10)
                .withEnableRecursiveMacroCalls(false)
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .withInterperterFactory(PythonInterpreter.FACTORY)
                .withDisabled(Map.of(
                        Context.Library.TAG, Set.of("include", "import", "from", "extends"),
                        Context.Library.FILTER, Set.of("render", "fromyaml", "toyaml")))
                .withProcessors(JinjavaProcessors.newBuilder().withNodePreProcessor(RenderGuard::beforeNode).build())
                .build();
        Jinjava jinjava = new PythonJinjava(config);
        jinjava.setResourceLocator((fullName, encoding, interpreter) -> {
            throw new IOException("chat templates may not load other templates (" + fullName + ")");
        });
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", RenderGuard.class,
                "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", RenderGuard.class, "strftimeNow",
                String.class));
        jinjava.registerFilter(new PyFilters.ToJson(limits.maxOutputChars()));
        jinjava.registerFilter(new PyFilters.Trim());
        jinjava.registerFilter(new PyFilters.Items());
        jinjava.registerFilter(new PyFilters.Length("length"));
        jinjava.registerFilter(new PyFilters.Length("count"));
        return jinjava;
    }
}
