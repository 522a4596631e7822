package dev.starling.social.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Imports an X/Twitter archive ({@code data/tweets.js} of "Download your data") or a Mastodon
 * export ({@code outbox.json}, an ActivityPub OrderedCollection of Create activities with Note
 * objects) into one account, keeping the original timestamps (ids are time-sortable, so imported
 * posts sort into history) and reply structure within the archive.
 *
 * <p>Idempotent: every imported item's source id is remembered ({@code import_items}); importing
 * the same file again creates nothing. Reposts (retweets, Announce) and direct messages are
 * skipped. Imported posts do not link "@name" to local accounts and notify nobody. Limits:
 * {@value #MAX_FILE_BYTES} bytes per file, {@value #MAX_ITEMS} items. Errors in the file come back
 * as an INVALID rejection naming the file and character offset.
 */
public final class ArchiveImporter {

    public static final long MAX_FILE_BYTES = 512L * 1024 * 1024;
    public static final long MAX_ITEMS = 500_000;
    static final int BATCH = 250;
    private static final int MAX_REASONS = 20;
    private static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
    private static final DateTimeFormatter TWITTER_DATE = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ENGLISH);

    private final Database db;
    private final PostText rules;

    public ArchiveImporter(Database db, PostText rules) {
        this.db = db;
        this.rules = rules;
    }

    /** Imports {@code tweets.js} (or a tweets.json array) into {@code accountId}. */
    public Outcome<ImportResult> importTwitter(long accountId, Path tweetsJs, ImportProgress progress) {
        List<ArchiveItem> items = new ArrayList<>();
        try {
            checkSize(tweetsJs);
            try (BufferedReader r = Files.newBufferedReader(tweetsJs, StandardCharsets.UTF_8)) {
                long skippedChars = skipPrefix(r, tweetsJs);
                JsonArrays.forEach(tweetsJs, r, null, MAX_ITEMS, skippedChars, node -> items.add(twitterItem(node)));
            }
        } catch (JsonArrays.ArchiveException e) {
            return Outcome.rejected(Rejection.Kind.INVALID, e.getMessage());
        } catch (IOException e) {
            return Outcome.rejected(Rejection.Kind.INVALID, tweetsJs + ": could not read: " + e.getMessage());
        }
        return importItems(accountId, "twitter", items, progress);
    }

    /** Imports a Mastodon {@code outbox.json} into {@code accountId}. */
    public Outcome<ImportResult> importMastodon(long accountId, Path outboxJson, ImportProgress progress) {
        List<ArchiveItem> items = new ArrayList<>();
        try {
            checkSize(outboxJson);
            try (Reader r = Files.newBufferedReader(outboxJson, StandardCharsets.UTF_8)) {
                JsonArrays.forEach(outboxJson, r, "orderedItems", MAX_ITEMS, 0, node -> items.add(mastodonItem(node)));
            }
        } catch (JsonArrays.ArchiveException e) {
            return Outcome.rejected(Rejection.Kind.INVALID, e.getMessage());
        } catch (IOException e) {
            return Outcome.rejected(Rejection.Kind.INVALID, outboxJson + ": could not read: " + e.getMessage());
        }
        return importItems(accountId, "mastodon", items, progress);
    }

    private static void checkSize(Path file) throws IOException, JsonArrays.ArchiveException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new JsonArrays.ArchiveException(file + ": " + size + " bytes is over the import limit of " + MAX_FILE_BYTES + " bytes");
        }
    }

    /** Skips {@code window.YTD.tweets.part0 = } (anything up to the first '[' or '{' after an '='), if present. */
    private static long skipPrefix(BufferedReader r, Path file) throws IOException, JsonArrays.ArchiveException {
        r.mark(4096);
        char[] head = new char[4096];
        int n = r.read(head);
        r.reset();
        if (n <= 0) {
            throw new JsonArrays.ArchiveException(file + ": empty file");
        }
        String s = new String(head, 0, n);
        int firstJson = indexOfAny(s, '[', '{');
        int eq = s.indexOf('=');
        if (eq >= 0 && (firstJson < 0 || eq < firstJson)) {
            int start = indexOfAny(s.substring(eq + 1), '[', '{');
            if (start < 0) {
                throw new JsonArrays.ArchiveException(file + ": no JSON array after the '=' prefix");
            }
            long skip = eq + 1 + start;
            r.skip(skip);
            return skip;
        }
        return 0;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    static ArchiveItem twitterItem(JsonNode node) {
        JsonNode t = node.has("tweet") ? node.get("tweet") : node;
        String id = t.path("id_str").asText(t.path("id").asText(""));
        String text = t.has("full_text") ? t.path("full_text").asText("") : t.path("text").asText("");
        if (id.isEmpty()) {
            return new ArchiveItem("?", "", Instant.EPOCH, null, PostVisibility.PUBLIC, null, null, false, "tweet without id_str");
        }
        Instant at;
        try {
            at = ZonedDateTime.parse(t.path("created_at").asText(""), TWITTER_DATE).toInstant();
        } catch (DateTimeParseException e) {
            return new ArchiveItem(id, "", Instant.EPOCH, null, PostVisibility.PUBLIC, null, null, false,
                    "tweet " + id + ": unreadable created_at '" + t.path("created_at").asText("") + "'");
        }
        if (text.startsWith("RT @")) {
            return new ArchiveItem(id, text, at, null, PostVisibility.PUBLIC, null, null, false, "tweet " + id + " is a retweet");
        }
        for (JsonNode u : t.path("entities").path("urls")) {
            String url = u.path("url").asText("");
            String expanded = u.path("expanded_url").asText("");
            if (!url.isEmpty() && !expanded.isEmpty()) {
                text = text.replace(url, expanded);
            }
        }
        for (JsonNode m : t.path("entities").path("media")) {
            String url = m.path("url").asText("");
            if (!url.isEmpty()) {
                text = text.replace(url, "");
            }
        }
        text = Html.unescape(text).strip();
        String replyTo = t.path("in_reply_to_status_id_str").asText(null);
        String lang = t.path("lang").asText(null);
        if (lang != null && !lang.matches("[a-z]{2,3}")) {
            lang = null;
        }
        return new ArchiveItem(id, text, at, replyTo == null || replyTo.isEmpty() ? null : replyTo, PostVisibility.PUBLIC,
                null, lang, t.path("possibly_sensitive").asBoolean(false), null);
    }

    static ArchiveItem mastodonItem(JsonNode activity) {
        String type = activity.path("type").asText("");
        String id = activity.path("id").asText("?");
        if (!type.equals("Create")) {
            return new ArchiveItem(id, "", Instant.EPOCH, null, PostVisibility.PUBLIC, null, null, false,
                    "activity " + id + " is " + (type.equals("Announce") ? "a boost" : "of type " + type));
        }
        JsonNode note = activity.path("object");
        String noteId = note.path("id").asText("");
        if (!note.path("type").asText("").equals("Note") || noteId.isEmpty()) {
            return new ArchiveItem(id, "", Instant.EPOCH, null, PostVisibility.PUBLIC, null, null, false, "activity " + id + " has no Note object");
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(note.path("published").asText(activity.path("published").asText(""))).toInstant();
        } catch (DateTimeParseException e) {
            return new ArchiveItem(noteId, "", Instant.EPOCH, null, PostVisibility.PUBLIC, null, null, false, "note " + noteId + ": unreadable published date");
        }
        List<String> to = strings(note.path("to"));
        List<String> cc = strings(note.path("cc"));
        PostVisibility vis;
        if (to.contains(PUBLIC) || to.contains("as:Public") || to.contains("Public")) {
            vis = PostVisibility.PUBLIC;
        } else if (cc.contains(PUBLIC) || cc.contains("as:Public") || cc.contains("Public")) {
            vis = PostVisibility.UNLISTED;
        } else if (to.stream().anyMatch(s -> s.endsWith("/followers"))) {
            vis = PostVisibility.PRIVATE;
        } else {
            return new ArchiveItem(noteId, "", at, null, PostVisibility.DIRECT, null, null, false, "note " + noteId + " is a direct message");
        }
        String text = Html.toText(note.path("content").asText(""));
        String lang = null;
        Iterator<String> langs = note.path("contentMap").fieldNames();
        if (langs.hasNext()) {
            String l = langs.next();
            lang = l.matches("[a-z]{2,3}(-[A-Za-z0-9]{2,8})?") ? l : null;
        }
        String summary = note.path("summary").isTextual() ? note.path("summary").asText() : null;
        String reply = note.path("inReplyTo").isTextual() ? note.path("inReplyTo").asText() : null;
        return new ArchiveItem(noteId, text, at, reply, vis, summary == null || summary.isBlank() ? null : summary, lang,
                note.path("sensitive").asBoolean(false), null);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else if (n.isTextual()) {
            out.add(n.asText());
        }
        return out;
    }

    private Outcome<ImportResult> importItems(long accountId, String source, List<ArchiveItem> items, ImportProgress progress) {
        boolean exists = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!exists) {
            return Outcome.rejected(Rejection.Kind.NOT_FOUND, "account " + accountId + " not found");
        }
        items.sort(Comparator.comparing(ArchiveItem::createdAt).thenComparing(ArchiveItem::sourceId));
        long[] counts = new long[3]; // imported, already, skipped
        List<String> reasons = new ArrayList<>();
        long total = items.size();
        progress.progress(0, total, 0, 0);
        for (int from = 0; from < items.size(); from += BATCH) {
            List<ArchiveItem> batch = items.subList(from, Math.min(items.size(), from + BATCH));
            db.inTransaction(c -> {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, 0x494D504FL << 32 ^ accountId); // one import per account at a time
                    lock.execute();
                }
                for (ArchiveItem it : batch) {
                    importOne(c, accountId, source, it, counts, reasons);
                }
                return null;
            });
            progress.progress(Math.min(items.size(), from + BATCH), total, counts[0], counts[2]);
        }
        return Outcome.ok(new ImportResult(source, total, counts[0], counts[1], counts[2], reasons));
    }

    private void importOne(Connection c, long accountId, String source, ArchiveItem it, long[] counts, List<String> reasons) throws SQLException {
        if (it.skipReason() != null) {
            skip(counts, reasons, it.skipReason());
            return;
        }
        if (it.sourceId().length() > 512) {
            skip(counts, reasons, source + " item id longer than 512 characters: " + it.sourceId().substring(0, 64) + "...");
            return;
        }
        if (lookup(c, accountId, source, it.sourceId()) != null) {
            counts[1]++;
            return;
        }
        var bad = rules.validate(it.text());
        if (bad.isPresent()) {
            skip(counts, reasons, source + " item " + it.sourceId() + ": " + bad.get().message());
            return;
        }
        Long parent = it.inReplyToSourceId() == null ? null : lookup(c, accountId, source, it.inReplyToSourceId());
        NewPost np = new NewPost(it.text(), it.visibility(), parent, null, it.language(), it.sensitive(), it.spoilerText());
        Outcome<Post> out = PostWriter.insert(c, accountId, np, it.createdAt(), false);
        if (!out.isOk()) {
            skip(counts, reasons, source + " item " + it.sourceId() + ": " + out.rejectionOrNull().message());
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO import_items (account_id, source, source_id, post_id) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, accountId);
            ps.setString(2, source);
            ps.setString(3, it.sourceId());
            ps.setLong(4, out.orThrow().id());
            ps.executeUpdate();
        }
        counts[0]++;
    }

    private static void skip(long[] counts, List<String> reasons, String reason) {
        counts[2]++;
        if (reasons.size() < MAX_REASONS) {
            reasons.add(reason);
        }
    }

    private static Long lookup(Connection c, long accountId, String source, String sourceId) throws SQLException {
        if (sourceId.length() > 512) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT post_id FROM import_items WHERE account_id = ? AND source = ? AND source_id = ?")) {
            ps.setLong(1, accountId);
            ps.setString(2, source);
            ps.setString(3, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

}
