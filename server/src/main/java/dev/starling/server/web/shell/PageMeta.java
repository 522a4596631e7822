package dev.starling.server.web.shell;

import java.util.List;

/**
 * What the layout needs to know about a page besides its body.
 *
 * @param title     the page's own title (the document title is "title · instance")
 * @param activeNav id of the navigation entry to mark current ({@code home}, {@code explore},
 *                  {@code search}, {@code ask}, {@code notifications}, {@code profile},
 *                  {@code settings}), or null
 * @param modules   extra ES modules to load, as asset paths under {@code web/static} ({@code ai/ask.js});
 *                  {@code app.js} is always loaded
 * @param notice    a short status line shown at the top of main (announced), or null
 */
public record PageMeta(String title, String activeNav, List<String> modules, String notice) {
    public PageMeta {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("a page needs a title");
        modules = modules == null ? List.of() : List.copyOf(modules);
    }

    public static PageMeta of(String title, String activeNav) {
        return new PageMeta(title, activeNav, List.of(), null);
    }

    public PageMeta withModules(String... assetPaths) {
        return new PageMeta(title, activeNav, List.of(assetPaths), notice);
    }

    public PageMeta withNotice(String n) {
        return new PageMeta(title, activeNav, modules, n);
    }
}
