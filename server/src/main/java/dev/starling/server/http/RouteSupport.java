package dev.starling.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** What every Mastodon route needs: the JSON mapper (for parameters) and the public base URL. */
public record RouteSupport(ObjectMapper mapper, String publicBaseUrl) {
    public Params params(Context ctx) {
        return Params.from(ctx, mapper);
    }

    public String baseUrl(Context ctx) {
        return BaseUrl.of(ctx, publicBaseUrl);
    }

    /** A path id ({@code :id}) as a long; 404 when it is not a number, as Mastodon answers unknown ids. */
    public static long pathId(Context ctx, String name) {
        String s = ctx.pathParam(name);
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) throw ApiException.notFound();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.notFound();
        }
    }
}
