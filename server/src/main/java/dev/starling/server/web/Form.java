package dev.starling.server.web;

import io.javalin.http.Context;

/** Reading submitted form fields with limits; every rejection says which field and why (as a 422 page). */
public final class Form {
    private Form() {}

    /** A field's value (null when absent), at most {@code maxChars} characters. */
    public static String field(Context ctx, String name, int maxChars) {
        String v;
        try {
            v = ctx.formParam(name);
        } catch (RuntimeException e) {
            throw new WebException(400, "The form could not be read: " + e.getMessage());
        }
        if (v != null && v.length() > maxChars) {
            throw new WebException(422, "The field \"" + name + "\" is " + v.length() + " characters long; at most " + maxChars + " are allowed.");
        }
        return v;
    }

    /** A positive numeric id field, or null when absent or empty. */
    public static Long id(Context ctx, String name) {
        String v = field(ctx, name, 19);
        if (v == null || v.isBlank()) return null;
        return parseId(name, v.trim());
    }

    /** A query-string id (cursor), or null when absent or empty. */
    public static Long queryId(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return null;
        if (v.length() > 19) throw new WebException(400, "The parameter \"" + name + "\" is not an id.");
        return parseId(name, v.trim());
    }

    public static long parseId(String name, String v) {
        if (v.isEmpty() || v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new WebException(400, "The field \"" + name + "\" must be a number, got \"" + shorten(v) + "\".");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new WebException(400, "The field \"" + name + "\" is out of range.");
        }
    }

    /** A path parameter that must be an id; 404 when it is not one. */
    public static long pathId(Context ctx, String name) {
        String v = ctx.pathParam(name);
        if (v.isEmpty() || v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) throw WebException.notFound("That page");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw WebException.notFound("That page");
        }
    }

    private static String shorten(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
