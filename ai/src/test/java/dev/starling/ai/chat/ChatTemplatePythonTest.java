package dev.starling.ai.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Python-flavoured Jinja that real chat templates use, each case with the output Python's Jinja gives
 * (Hugging Face settings: trim_blocks and lstrip_blocks). Known difference: booleans inside printed lists and
 * dicts print as {@code true}/{@code false} (Python: {@code True}/{@code False}); {@code none} prints as nothing
 * (Python: {@code None}). Separator in the table is '¦'; '⏎' stands for a newline.
 */
class ChatTemplatePythonTest {

    private static String render(String source) {
        ChatTemplate t = ChatTemplate.of(source.replace("⏎", "\n"), "<s>", "</s>");
        List<ChatMessage> messages = List.of(ChatMessage.system("  Be brief.  "), ChatMessage.user("Hi"),
                ChatMessage.assistant("Hello"), ChatMessage.user("Bye"));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "get_time");
        tool.put("parameters", Map.of("type", "object"));
        Map<String, Object> extra = Map.of("tool", tool, "nums", List.of(3L, 1L, 2L));
        RenderOutcome outcome = t.render(messages, true, extra);
        return switch (outcome) {
            case RenderOutcome.Rendered r -> r.text();
            case RenderOutcome.Failed f -> "FAILED: " + f.reason();
        };
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', quoteCharacter = '`', textBlock = """
            {{ messages[0].content.strip() }}                                         ¦ Be brief.
            {{ '--a--'.strip('-') }}|{{ '  a '.lstrip() }}|{{ ' a  '.rstrip() }}|    ¦ a|a | a|
            {{ messages[0]['content'] | trim }}                                       ¦ Be brief.
            {{ 'system'.startswith('sys') }} {{ 'x.py'.endswith(('.js', '.py')) }}    ¦ True True
            {{ 'a b  c'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} ¦ ['a', 'b', 'c'] ['a', 'b', '', 'c'] ['a', 'b,c']
            {{ 'a,b,c'.rsplit(',', 1)[0] }}|{{ 'Hello'.upper() }}|{{ 'Hello'.lower() }} ¦ a,b|HELLO|hello
            {{ 'ab'.replace('b', 'c') }} {{ '-'.join(['a', 'b']) }} {{ 'abc'.find('c') }} ¦ ac a-b 2
            {{ messages[-1].content }} {{ messages[1:3] | length }} {{ 'hello'[1:3] }} ¦ Bye 2 el
            {% for m in messages %}{{ loop.index0 }}{{ m.role[0] }}{% if not loop.last %},{% endif %}{% endfor %} ¦ 0s,1u,2a,3u
            {% for m in messages %}{% if loop.first %}{% continue %}{% endif %}{% if m.role == 'assistant' %}{% break %}{% endif %}{{ m.content }}{% endfor %} ¦ Hi
            {% set ns = namespace(found=false) %}{% for m in messages %}{% if m.role == 'assistant' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }} ¦ True
            {% for k, v in tool.items() %}{{ k }}={{ v is mapping }};{% endfor %}        ¦ name=False;parameters=True;
            {% for k, v in tool | dictsort %}{{ k }};{% endfor %}{{ tool.get('none', 'dflt') }} ¦ name;parameters;dflt
            {{ tool | tojson }}                                                         ¦ `{"name": "get_time", "parameters": {"type": "object"}}`
            {{ tool.parameters | tojson(indent=2) }}                                    ¦ `{⏎  "type": "object"⏎}`
            {{ {'a': [1, 2.5, 'é"\\n'], 'b': none, 'c': true} | tojson }}               ¦ `{"a": [1, 2.5, "é\\"\\n"], "b": null, "c": true}`
            {{ not undefined_thing is defined }} {{ not 1 == 2 }} {{ not false and false }} ¦ True True False
            {{ 'tool_calls' in messages[0] }} {{ 'role' in messages[0] }} {{ 'b' in 'abc' }} ¦ False True True
            {{ nums | sort | join(',') }} {{ nums | first }} {{ nums | length }} ¦ 1,2,3 3 3
            {% if tools is none and tools is not string %}none{% endif %}               ¦ none
            {{ bos_token }}{{ eos_token }}{{ add_generation_prompt }}                    ¦ <s></s>True
            {{- ' a ' -}}  ⏎ {{ 'b' }}                                                  ¦ ` a b`
            {% if true %}⏎    x⏎    {% endif %}⏎y                                       ¦ `    x⏎y`
            {{ [1, 2, 3, 4][::-1] }} {{ 'abcdef'[::2] }} {{ 'abcdef'[4:1:-1] }} {{ messages[::-1][0].content }} ¦ [4, 3, 2, 1] ace edc Bye
            {{ 'abcdef'[-2:] }} {{ [1, 2, 3][5:9:1] }} {{ 'abc'[::-2] }}             ¦ ef [] ca
            {% set ns = namespace(n=messages|length - 1, f='x' ~ 'y') %}{{ ns.n }} {{ ns.f }}  ¦ 3 xy
            {{ not('ab'.startswith('a') and 'ab'.endswith('c')) }}                      ¦ True
            {{ raise_exception('no ' + 'way') }}                                       ¦ FAILED: template raised an exception: no way
            """)
    void rendersAsPythonJinjaDoes(String template, String expected) {
        assertEquals(expected.replace("⏎", "\n"), render(template));
    }
}
