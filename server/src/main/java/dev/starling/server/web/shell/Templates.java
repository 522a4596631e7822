package dev.starling.server.web.shell;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The JTE templates of {@code server/src/main/jte}, precompiled to classes at build time by
 * jte-maven-plugin (no template compiler at run time). Output is HTML-escaped by default.
 */
public final class Templates {
    private final TemplateEngine engine;

    public Templates() {
        this.engine = TemplateEngine.createPrecompiled(null, ContentType.Html, Templates.class.getClassLoader());
    }

    /** Renders a template (path relative to the template root, e.g. {@code "parts/post.jte"}) to a string. */
    public String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput(8192);
        engine.render(template, params, out);
        return out.toString();
    }

    /** A template as content to place inside another (the layout's body). */
    public Content content(String template, Map<String, Object> params) {
        return out -> engine.render(template, params, out);
    }
}
