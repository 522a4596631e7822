package dev.starling.server.web.shell;

import dev.starling.social.accounts.Account;
import java.util.ArrayList;
import java.util.List;

/** The model of {@code layout.jte}: everything around a page's body. */
public record Shell(String siteTitle, PageMeta meta, Account viewer, String csrfToken, Assets assets) {

    public String documentTitle() {
        return meta.title() + " · " + siteTitle;
    }

    public String asset(String path) {
        return assets.url(path);
    }

    /** Versioned URLs of the page's extra modules. */
    public List<String> moduleUrls() {
        List<String> urls = new ArrayList<>();
        for (String m : meta.modules()) urls.add(assets.url(m));
        return urls;
    }

    /** The main navigation, in order; Profile points at the viewer's own profile (sign-in when signed out). */
    public List<NavItem> nav() {
        String active = meta.activeNav();
        String profile = viewer == null ? "/sign_in" : "/@" + viewer.username();
        return List.of(
                new NavItem("home", "Home", "/", "home".equals(active)),
                new NavItem("explore", "Explore", "/explore", "explore".equals(active)),
                new NavItem("search", "Search", "/search", "search".equals(active)),
                new NavItem("ask", "Ask", "/ask", "ask".equals(active)),
                new NavItem("notifications", "Notifications", "/notifications", "notifications".equals(active)),
                new NavItem("profile", "Profile", profile, "profile".equals(active)),
                new NavItem("settings", "Settings", "/settings", "settings".equals(active)));
    }
}
