package dev.starling.social.imports;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal HTML to text for imported posts (Mastodon content, Twitter's escaped text). */
final class Html {

    private static final Pattern BR = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern PARA = Pattern.compile("(?i)</p>\\s*<p[^>]*>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos|nbsp|#39);");

    private Html() {
    }

    static String toText(String html) {
        String s = BR.matcher(html).replaceAll("\n");
        s = PARA.matcher(s).replaceAll("\n\n");
        s = TAG.matcher(s).replaceAll("");
        return unescape(s).strip();
    }

    static String unescape(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String rep = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos", "#39" -> "'";
                case "nbsp" -> " ";
                default -> {
                    int cp = e.startsWith("#x") ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
                    yield Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "";
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
        }
        m.appendTail(out);
        return out.toString();
    }
}
