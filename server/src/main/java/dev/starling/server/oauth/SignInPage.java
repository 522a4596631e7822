package dev.starling.server.oauth;

import static dev.starling.server.entities.ContentHtml.escape;

import java.util.Map;

/** The minimal HTML of the authorization-code flow: the sign-in form, the out-of-band code page, errors. */
final class SignInPage {
    private SignInPage() {}

    static String form(String appName, Map<String, String> hidden, String error) {
        StringBuilder fields = new StringBuilder();
        hidden.forEach((k, v) -> {
            if (v != null) fields.append("<input type=\"hidden\" name=\"").append(escape(k)).append("\" value=\"").append(escape(v)).append("\">\n");
        });
        return page("Sign in to Starling",
                "<h1>Sign in to Starling</h1>\n<p><strong>" + escape(appName) + "</strong> asks for access to your account"
                        + (hidden.get("scope") == null ? "" : " (" + escape(hidden.get("scope")) + ")") + ".</p>\n"
                        + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>\n")
                        + "<form method=\"post\" action=\"/oauth/authorize\">\n" + fields
                        + "<label>Username or email <input name=\"login\" autocomplete=\"username\" required maxlength=\"320\"></label><br>\n"
                        + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"128\"></label><br>\n"
                        + "<button type=\"submit\">Authorize</button>\n</form>\n"
                        + "<p>No account yet? <a href=\"" + escape(signUpLink(hidden)) + "\">Sign up</a></p>");
    }

    /** The sign-up page's URL, returning to this authorization request afterwards. */
    private static String signUpLink(Map<String, String> hidden) {
        StringBuilder back = new StringBuilder("/oauth/authorize?");
        hidden.forEach((k, v) -> {
            if (v != null && !k.equals(FormCsrf.FIELD)) {
                back.append(enc(k)).append('=').append(enc(v)).append('&');
            }
        });
        back.setLength(back.length() - 1);
        return "/auth/sign_up?return_to=" + enc(back.toString());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String signUp(Map<String, String> hidden, String error, Map<String, String> values) {
        StringBuilder fields = new StringBuilder();
        hidden.forEach((k, v) -> {
            if (v != null) fields.append("<input type=\"hidden\" name=\"").append(escape(k)).append("\" value=\"").append(escape(v)).append("\">\n");
        });
        return page("Sign up for Starling",
                "<h1>Sign up for Starling</h1>\n"
                        + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>\n")
                        + "<form method=\"post\" action=\"/auth/sign_up\">\n" + fields
                        + "<label>Username <input name=\"username\" autocomplete=\"username\" required maxlength=\"30\" pattern=\"[A-Za-z0-9_]{1,30}\" value=\""
                        + escape(values.getOrDefault("username", "")) + "\"></label><br>\n"
                        + "<label>Email <input name=\"email\" type=\"email\" autocomplete=\"email\" required maxlength=\"320\" value=\""
                        + escape(values.getOrDefault("email", "")) + "\"></label><br>\n"
                        + "<label>Password (12 to 128 characters) <input name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"128\"></label><br>\n"
                        + "<label><input name=\"agreement\" type=\"checkbox\" value=\"true\" required> I accept the rules of this server</label><br>\n"
                        + "<button type=\"submit\">Sign up</button>\n</form>");
    }

    static String signedUp(String username, String returnTo) {
        return page("Welcome", "<h1>Welcome, @" + escape(username) + "</h1>\n<p>Your account is ready.</p>\n"
                + (returnTo == null ? "<p>Sign in from your app.</p>" : "<p><a href=\"" + escape(returnTo) + "\">Continue to sign in</a></p>"));
    }

    static String code(String code) {
        return page("Authorization code", "<h1>Authorization code</h1>\n<p>Copy this code into the application:</p>\n<pre id=\"code\">"
                + escape(code) + "</pre>");
    }

    static String error(String message) {
        return page("Authorization error", "<h1>Authorization error</h1>\n<p role=\"alert\">" + escape(message) + "</p>");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><meta name=\"viewport\" content=\"width=device-width\"></head>\n<body>\n" + body + "\n</body></html>\n";
    }
}
