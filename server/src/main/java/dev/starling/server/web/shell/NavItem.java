package dev.starling.server.web.shell;

/** One link of the main navigation; {@code id} is the link's element id without the {@code nav-} prefix. */
public record NavItem(String id, String label, String href, boolean current) {}
