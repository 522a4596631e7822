package dev.starling.server.entities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentHtmlTest {
    static final String BASE = "https://starling.example";

    @Test
    void escapesAndSplitsParagraphsAndLines() {
        assertEquals("<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;</p>", ContentHtml.render("a <b> & \"c\" 'd'", BASE, Map.of()));
        assertEquals("<p>one<br />two</p><p>three</p>", ContentHtml.render("one\ntwo\n\n\nthree", BASE, Map.of()));
        assertEquals("", ContentHtml.render("", BASE, Map.of()));
    }

    @Test
    void linksHashtagsMentionsAndUrlsAsMastodon() {
        String html = ContentHtml.render("hi @Bob and @ghost #Birds https://example.org/x", BASE, Map.of("bob", BASE + "/@bob"));
        assertEquals("<p>hi <span class=\"h-card\" translate=\"no\"><a href=\"https://starling.example/@bob\" class=\"u-url mention\">@<span>Bob</span></a></span>"
                + " and @ghost <a href=\"https://starling.example/tags/birds\" class=\"mention hashtag\" rel=\"tag\">#<span>Birds</span></a> "
                + "<a href=\"https://example.org/x\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">https://</span>"
                + "<span class=\"\">example.org/x</span><span class=\"invisible\"></span></a></p>", html);
    }

    @Test
    void longUrlsAreShortenedWithAnEllipsisSpan() {
        String html = ContentHtml.render("https://www.example.org/a/very/long/path/that/keeps/going", BASE, Map.of());
        assertEquals("<p><a href=\"https://www.example.org/a/very/long/path/that/keeps/going\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\">"
                + "<span class=\"invisible\">https://www.</span><span class=\"ellipsis\">example.org/a/very/long/path/t</span>"
                + "<span class=\"invisible\">hat/keeps/going</span></a></p>", html);
    }
}
