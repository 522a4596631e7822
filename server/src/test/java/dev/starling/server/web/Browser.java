package dev.starling.server.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person's browser for HTTP tests of the web app: java.net.http with a cookie jar, redirects not
 * followed (tests look at the 303s), forms posted urlencoded with the page's CSRF token.
 */
public final class Browser {
    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");

    public final String baseUrl;
    public final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    /** The CSRF token of the last page fetched. */
    public String csrf;

    public Browser(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public record Page(int status, String body, HttpResponse<String> response) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        public java.util.List<String> headers(String name) {
            return response.headers().allValues(name);
        }

        public String location() {
            return header("Location");
        }
    }

    public Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    /** Posts a form with this browser's current CSRF token added (unless the fields set csrf_token themselves). */
    public Page post(String path, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>();
        if (csrf != null) all.put("csrf_token", csrf);
        all.putAll(fields);
        return postRaw(path, all, Map.of());
    }

    /** Posts exactly these fields and headers. */
    public Page postRaw(String path, Map<String, String> fields, Map<String, String> headers) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> {
            if (v == null) return;
            if (!body.isEmpty()) body.append('&');
            body.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return send(b.build());
    }

    private Page send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher m = META_CSRF.matcher(r.body());
            if (m.find()) csrf = m.group(1);
            return new Page(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String cookie(String name) {
        for (HttpCookie c : cookies.getCookieStore().getCookies()) if (c.getName().equals(name)) return c.getValue();
        return null;
    }

    /** Signs up through the web form (and so is signed in). */
    public Page signUp(String username) {
        get("/sign_up");
        return post("/sign_up", Map.of("username", username, "email", username + "@example.org",
                "password", "correct horse " + username, "agreement", "true"));
    }

    public Page signIn(String username) {
        get("/sign_in");
        return post("/sign_in", Map.of("login", username, "password", "correct horse " + username));
    }
}
