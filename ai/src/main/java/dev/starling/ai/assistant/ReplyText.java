package dev.starling.ai.assistant;

import com.twitter.twittertext.Extractor;
import dev.starling.social.posts.PostText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the model wrote into the text of the assistant's reply posts: plain text, no @mentions (the reply
 * addresses only the person who mentioned the assistant, added as a prefix), no links except to this instance's
 * posts that the prompt quoted, then split into at most a few posts within the post length limit
 * (twitter-text weighted length), on sentence boundaries, else word boundaries.
 */
final class ReplyText {

    /** Marks a cut when a reply had to be shortened to fit. */
    static final String ELLIPSIS = "\u2026";
    /** Any scheme://... or www.... run: candidate links, judged one by one. */
    private static final Pattern SCHEME_LINK = Pattern.compile("(?i)(?:\\b[a-z][a-z0-9+.-]{0,20}://|\\bwww\\.)[^\\s<>\"]+");
    /** @name, @name@domain, also with the full-width at sign twitter-text accepts. */
    private static final Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}_])[@\uFF20]([A-Za-z0-9_]+(?:[@\uFF20][A-Za-z0-9.-]+)?)");
    /** Chat-template control text a model may echo. */
    private static final Pattern CONTROL_TOKENS = Pattern.compile("<\\|[^|<>]{0,40}\\|>|</?s>|\\[/?INST]");
    private static final Pattern CONTROL_CHARS = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n]]");
    /** host.tld[:port][/path]: labels of letters, digits and '-', a TLD starting with a letter. */
    private static final Pattern BARE_HOST = Pattern.compile(
            "(?i)(?<![\\p{L}\\p{N}_@\uE000-\uE001])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{1,62}(?::\\d{1,5})?(?:/[^\\s]*)?(?![\\p{L}\\p{N}_])");
    private static final char KEEP_OPEN = '\uE000';
    private static final char KEEP_CLOSE = '\uE001';
    private static final Pattern SPACES = Pattern.compile("[ \\t\\u00A0]+");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n+");

    /**
     * Which links a reply may keep: this instance's post URLs whose id the prompt quoted. {@code markerUrls}: the URL of
     * each quoted post by its reference number, for the model's {@code [n]} markers (empty without an instance URL).
     */
    record LinkPolicy(String instanceBaseUrl, Set<Long> quotedPostIds, Map<Integer, String> markerUrls) {

        static final LinkPolicy NONE = new LinkPolicy(null, Set.of());

        LinkPolicy(String instanceBaseUrl, Set<Long> quotedPostIds) {
            this(instanceBaseUrl, quotedPostIds, Map.of());
        }

        LinkPolicy {
            quotedPostIds = Set.copyOf(quotedPostIds);
            markerUrls = Map.copyOf(markerUrls);
        }

        /** The policy for a prompt quoting {@code posts}: their ids, and their URLs on this instance for {@code [n]}. */
        static LinkPolicy of(String instanceBaseUrl, Set<Long> quotedPostIds, List<dev.starling.ai.prompts.QuotedPost> posts) {
            Map<Integer, String> urls = new java.util.HashMap<>();
            if (instanceBaseUrl != null) {
                for (dev.starling.ai.prompts.QuotedPost p : posts) {
                    urls.put(p.number(), instanceBaseUrl + "/@" + p.authorHandle() + "/" + p.postId());
                }
            }
            return new LinkPolicy(instanceBaseUrl, quotedPostIds, urls);
        }

        boolean allows(String url) {
            if (instanceBaseUrl == null) {
                return false;
            }
            String base = instanceBaseUrl.toLowerCase(Locale.ROOT);
            if (!url.toLowerCase(Locale.ROOT).startsWith(base + "/")) {
                return false;
            }
            Matcher m = POST_PATH.matcher(url.substring(base.length()));
            return m.matches() && quotedPostIds.contains(parseId(m.group(1)));
        }

        private static final Pattern POST_PATH = Pattern.compile("/(?:@[A-Za-z0-9_]{1,30}|users/[A-Za-z0-9_]{1,30}/statuses|statuses)/(\\d{1,19})");

        private static long parseId(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private ReplyText() {
    }

    /**
     * The model's text made safe to post: no control text, no mentions, only allowed links, tidy white space; a citation
     * marker {@code [n]} (a reader of a post has no reference list) becomes the link to quoted post n on this instance,
     * once per post, and is removed when there is no such post or no instance URL.
     */
    static String clean(String raw, LinkPolicy links) {
        String s = CONTROL_TOKENS.matcher(raw).replaceAll(" ");
        s = CONTROL_CHARS.matcher(s).replaceAll("");
        s = markersToLinks(s, links);
        s = s.replace("\r\n", "\n").replace('\r', '\n');
        s = s.replace(KEEP_OPEN, ' ').replace(KEEP_CLOSE, ' ');
        List<String> kept = new ArrayList<>();
        s = stripLinks(s, links, kept);
        // "@bob" -> "bob": the reply must not notify or add anyone to its audience.
        s = MENTION.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1).replace('@', ' ').replace('\uFF20', ' ')));
        for (int i = 0; i < kept.size(); i++) {
            s = s.replace(KEEP_OPEN + Integer.toString(i) + KEEP_CLOSE, kept.get(i));
        }
        s = SPACES.matcher(s).replaceAll(" ");
        s = BLANK_LINES.matcher(s).replaceAll("\n\n");
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(line.strip());
        }
        return out.toString().strip();
    }

    private static final Pattern MARKER = Pattern.compile("\\s*\\[\\s*(\\d{1,4}(?:\\s*[,;]\\s*\\d{1,4})*)\\s*]");

    /** {@code [n]} and {@code [n, m]} markers as links to the quoted posts (each post linked once), or removed. */
    static String markersToLinks(String s, LinkPolicy links) {
        Set<String> linked = new java.util.HashSet<>();
        return MARKER.matcher(s).replaceAll(m -> {
            StringBuilder out = new StringBuilder();
            for (String n : m.group(1).split("\\s*[,;]\\s*")) {
                String url = links.markerUrls().get(Integer.parseInt(n));
                if (url != null && linked.add(url)) {
                    out.append(' ').append(url);
                }
            }
            return Matcher.quoteReplacement(out.isEmpty() ? "" : out.append(' ').toString());
        });
    }

    /** Removes links the policy does not allow; allowed ones are parked in {@code kept} behind placeholders. */
    private static String stripLinks(String s, LinkPolicy links, List<String> kept) {
        StringBuilder sb = new StringBuilder();
        Matcher m = SCHEME_LINK.matcher(s);
        while (m.find()) {
            String url = trimTrailingPunctuation(m.group());
            String keep = "";
            if (links.allows(url)) {
                keep = KEEP_OPEN + Integer.toString(kept.size()) + KEEP_CLOSE;
                kept.add(url);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(keep + m.group().substring(url.length())));
        }
        m.appendTail(sb);
        // bare host names with a path or not ("evil.example/x", "t.co/abc"), whatever the TLD
        String t = BARE_HOST.matcher(sb.toString()).replaceAll("");
        // and anything else twitter-text would turn into a link
        List<Extractor.Entity> urls = new Extractor().extractURLsWithIndices(t);
        StringBuilder out = new StringBuilder(t);
        for (int i = urls.size() - 1; i >= 0; i--) {
            Extractor.Entity e = urls.get(i);
            out.replace(e.getStart(), e.getEnd(), "");
        }
        return out.toString();
    }

    private static String trimTrailingPunctuation(String url) {
        int end = url.length();
        while (end > 0 && ".,;:!?)]}'".indexOf(url.charAt(end - 1)) >= 0) {
            end--;
        }
        return url.substring(0, end);
    }

    /**
     * Splits {@code body} into at most {@code maxPosts} posts, each {@code prefix + chunk} within
     * {@code maxWeightedLength}: each post takes as many words as fit (found by binary search, so the cost is a few
     * length computations per post, not one per word), ending at the last sentence end among them when that keeps at
     * least half; a word longer than a post is cut between code points. When the text needs more posts, the last
     * one ends with an ellipsis.
     */
    static List<String> split(String body, String prefix, int maxWeightedLength, int maxPosts) {
        if (PostText.weightedLength(prefix + "x" + ELLIPSIS) > maxWeightedLength) {
            throw new IllegalArgumentException("the post length limit " + maxWeightedLength + " leaves no room after '" + prefix + "'");
        }
        List<String> words = new ArrayList<>(List.of(body.strip().split("\\s+")));
        words.removeIf(String::isEmpty);
        List<String> posts = new ArrayList<>();
        int at = 0;
        while (at < words.size() && posts.size() <= maxPosts) {
            int k = fittingWords(words, at, prefix, maxWeightedLength);
            if (k == 0) { // one word longer than a post: cut it
                String w = words.get(at);
                int cut = longestFittingPrefix(prefix, w, maxWeightedLength);
                posts.add(w.substring(0, cut));
                words.set(at, w.substring(cut));
                continue;
            }
            int end = at + k;
            if (end < words.size()) {
                for (int j = end; j > at + (k + 1) / 2; j--) {
                    if (endsSentence(words.get(j - 1))) {
                        end = j;
                        break;
                    }
                }
            }
            posts.add(String.join(" ", words.subList(at, end)));
            at = end;
        }
        if (posts.size() > maxPosts || at < words.size()) {
            List<String> kept = new ArrayList<>(posts.subList(0, Math.min(maxPosts, posts.size())));
            String last = kept.getLast();
            while (!last.isEmpty() && !fits(prefix, last + ELLIPSIS, maxWeightedLength)) {
                last = dropLastWord(last);
            }
            kept.set(kept.size() - 1, last + ELLIPSIS);
            posts = kept;
        }
        List<String> out = new ArrayList<>(posts.size());
        for (String p : posts) {
            out.add(prefix + p);
        }
        return out;
    }

    /** How many words from {@code from} fit in one post (0 when not even the first does). */
    private static int fittingWords(List<String> words, int from, String prefix, int max) {
        int lo = 0;
        int hi = words.size() - from;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fits(prefix, String.join(" ", words.subList(from, from + mid)), max)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static boolean endsSentence(String word) {
        int i = word.length() - 1;
        while (i > 0 && "\"')]}\u201D\u2019".indexOf(word.charAt(i)) >= 0) {
            i--;
        }
        return i >= 0 && ".!?\u2026\u3002\uFF01\uFF1F".indexOf(word.charAt(i)) >= 0;
    }

    private static boolean fits(String prefix, String text, int max) {
        return PostText.weightedLength(prefix + text) <= max;
    }

    /** The longest prefix of {@code word} (in chars, on a code point boundary, at least one code point) that fits. */
    private static int longestFittingPrefix(String prefix, String word, int max) {
        int lo = 1; // code points; always at least one, so that progress is made
        int hi = word.codePointCount(0, word.length());
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fits(prefix, word.substring(0, word.offsetByCodePoints(0, mid)), max)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return word.offsetByCodePoints(0, lo);
    }

    private static String dropLastWord(String s) {
        String t = s.stripTrailing();
        int space = t.lastIndexOf(' ');
        if (space > 0) {
            return t.substring(0, space);
        }
        // one long word: drop a code point
        return t.isEmpty() ? t : t.substring(0, t.offsetByCodePoints(t.length(), -1));
    }
}
