package dev.starling.server.entities;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.http.Json;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostView;
import dev.starling.social.posts.PostVisibility;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The cached Status JSON equals the server mapper's serialization of {@link MastodonJson#status},
 * for seeded random views written many times while their counts, flags, visibility, text and
 * author change between writes (so a stale entry would be returned if the key missed anything),
 * and a list is the JSON array of its statuses. Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class StatusJsonCacheTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final Function<Map<String, Object>, String> WRITER = m -> {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    };

    @Test
    void cachedJsonEqualsDirectSerializationAsViewsChange() throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("StatusJsonCacheTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        List<PostView> views = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            views.add(view(r, i, r.nextInt(4) == 0 ? view(r, 1000 + i, null) : null));
        }
        Set<String> distinct = new HashSet<>();
        for (int round = 0; round < 2_000; round++) {
            int i = r.nextInt(views.size());
            PostView v = r.nextInt(3) == 0 ? mutate(r, views.get(i)) : views.get(i);
            views.set(i, v);
            String base = r.nextInt(5) == 0 ? "http://localhost:8080" : "https://a.example";
            String expected = MAPPER.writeValueAsString(MastodonJson.status(v, base));
            assertEquals(expected, StatusJsonCache.status(v, base, WRITER), "seed " + seed + ", round " + round);
            distinct.add(expected);
        }
        assertTrue(distinct.size() > 100, "the views changed: " + distinct.size() + " distinct JSON texts");
        List<PostView> page = views.subList(0, 7);
        assertEquals(MAPPER.writeValueAsString(MastodonJson.statuses(page, "https://a.example")),
                StatusJsonCache.statuses(page, "https://a.example", WRITER), "seed " + seed + ": the array");
        assertEquals("[]", StatusJsonCache.statuses(List.of(), "https://a.example", WRITER));
        // the bytes the route sends: the same array in UTF-8, also with non-ASCII text and a single status
        for (int n : new int[] {0, 1, 7, views.size()}) {
            List<PostView> some = views.subList(0, n);
            assertArrayEquals(MAPPER.writeValueAsString(MastodonJson.statuses(some, "https://a.example")).getBytes(StandardCharsets.UTF_8),
                    StatusJsonCache.statusesUtf8(some, "https://a.example", WRITER), "seed " + seed + ": " + n + " statuses in UTF-8");
        }
    }

    private static PostView view(Random r, long id, PostView reblog) {
        Account author = new Account(100 + r.nextInt(5), "user" + r.nextInt(5), "u@example.org", "User", r.nextBoolean() ? "bio #tag" : "",
                "", r.nextBoolean(), false, false, Instant.ofEpochMilli(1_700_000_000_000L), r.nextInt(9), r.nextInt(9), r.nextInt(99),
                Instant.ofEpochMilli(1_700_000_000_000L + r.nextInt(1_000_000)), PostVisibility.PUBLIC);
        Entities e = new Entities(List.of("starling"), List.of(new Entities.Mention(7, "bob")), List.of(), List.of());
        Post p = new Post(id, author.id(), reblog != null ? "" : (r.nextInt(4) == 0 ? "grüße, 漢字 and 🐦 " : "") + "hello #starling @bob " + r.nextInt(100), PostVisibility.values()[r.nextInt(3)],
                null, null, null, reblog == null ? null : reblog.post().id(), null, "en", false, "", e,
                Instant.ofEpochMilli(1_700_000_000_000L + id), null);
        return new PostView(p, author, reblog, null, r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
    }

    /** One field changed: a count, a flag, the visibility, the text, the author's counters or name. */
    private static PostView mutate(Random r, PostView v) {
        Post p = v.post();
        Account a = v.author();
        return switch (r.nextInt(7)) {
            case 0 -> new PostView(p, a, v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(), v.favouritesCount() + 1,
                    v.favourited(), v.reblogged(), v.bookmarked());
            case 1 -> new PostView(p, a, v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(), v.favouritesCount(),
                    !v.favourited(), v.reblogged(), v.bookmarked());
            case 2 -> new PostView(p, a, v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(), v.favouritesCount(),
                    v.favourited(), v.reblogged(), !v.bookmarked());
            case 3 -> new PostView(new Post(p.id(), p.authorId(), p.text(), PostVisibility.values()[(p.visibility().ordinal() + 1) % 4],
                    p.inReplyToId(), p.inReplyToAccountId(), p.threadRootId(), p.reblogOfId(), p.quoteOfId(), p.language(), p.sensitive(),
                    p.spoilerText(), p.entities(), p.createdAt(), p.editedAt()), a, v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(),
                    v.favouritesCount(), v.favourited(), v.reblogged(), v.bookmarked());
            case 4 -> new PostView(new Post(p.id(), p.authorId(), p.text() + " edited", p.visibility(), p.inReplyToId(), p.inReplyToAccountId(),
                    p.threadRootId(), p.reblogOfId(), p.quoteOfId(), p.language(), p.sensitive(), p.spoilerText(), p.entities(), p.createdAt(),
                    Instant.ofEpochMilli(1_800_000_000_000L)), a, v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(),
                    v.favouritesCount(), v.favourited(), v.reblogged(), v.bookmarked());
            case 5 -> new PostView(p, new Account(a.id(), a.username(), a.email(), a.displayName(), a.note(), a.avatarUrl(), a.locked(), a.bot(),
                    a.aiTrainingConsent(), a.createdAt(), a.followersCount() + 1, a.followingCount(), a.statusesCount() + 1, a.lastStatusAt(),
                    a.defaultVisibility()), v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(), v.favouritesCount(), v.favourited(),
                    v.reblogged(), v.bookmarked());
            default -> new PostView(p, new Account(a.id(), a.username(), a.email(), a.displayName() + "!", a.note(), a.avatarUrl(), a.locked(),
                    a.bot(), a.aiTrainingConsent(), a.createdAt(), a.followersCount(), a.followingCount(), a.statusesCount(), a.lastStatusAt(),
                    a.defaultVisibility()), v.reblog(), v.quote(), v.repliesCount(), v.reblogsCount(), v.favouritesCount(), v.favourited(),
                    v.reblogged(), v.bookmarked());
        };
    }
}
