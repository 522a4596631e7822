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
                        + "<button type=\"submit\">Authorize</button>\n</form>");
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
