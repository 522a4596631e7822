package dev.starling.server.web.posts;

/**
 * An extra link shown on every post card (e.g. "Explain this post", registered by the AI pages with
 * {@link dev.starling.server.web.Web#addPostLink}). Rendered as
 * {@code <a id="{idPrefix}-{rowId}" href="/posts/{postId}/{pathSuffix}">{label}</a>}.
 */
public record PostLink(String idPrefix, String label, String pathSuffix) {
    public PostLink {
        if (idPrefix == null || !idPrefix.matches("[a-z][a-z0-9-]{0,30}")) throw new IllegalArgumentException("idPrefix must be a short lower-case id, got " + idPrefix);
        if (pathSuffix == null || !pathSuffix.matches("[a-z0-9_/-]{1,60}")) throw new IllegalArgumentException("pathSuffix must be a short path, got " + pathSuffix);
        if (label == null || label.isBlank()) throw new IllegalArgumentException("a post link needs a label");
    }
}
