package dev.starling.social.demo;

import dev.starling.social.common.Outcome;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The events planted in the last hours before the demo's end, so that a newcomer finds real trends and trend stories:
 * many accounts (consenting or not, picked at random) post PUBLIC posts in their own words about the same thing, most
 * with its hashtag, many with the same news link, all with its phrase; others reply, repost and like. The rest of the
 * network spreads evenly over the days, so its tags, links and phrases never stand out; these do.
 *
 * <p>The events' randomness is its own stream derived from the seed, so the rest of the network is what it was before
 * events were planted. Every timestamp lies between the network's start and its end (never in the future).
 */
final class DemoEvents {

    /**
     * One event: its hashtag (without '#'), the link people share (a made-up news page on a real TLD, so that
     * twitter-text links it), the phrase every post contains, how many accounts take part (a share of the network,
     * at least {@code minAccounts}, at most {@code maxAccounts}), over how many hours before the end (rising: most
     * posts near the end), the lines (each contains the phrase), replies, and a few mentions of the tag in the days
     * before (a trend is measured against the week before; it was not silent, only much quieter).
     */
    record Spec(String name, String tag, String link, String phrase, int minAccounts, int maxAccounts, double shareOfAccounts,
                int hours, boolean rising, List<String> lines, List<String> replies, List<String> before) {
    }

    static final Spec AURORA = new Spec("aurora", "aurora", "https://www.northsky-observer.org/news/strong-geomagnetic-storm-aurora-visible-tonight",
            "northern lights", 6, 40, 40 / 300.0, 4, true, List.of(
            "The northern lights are out over the bay right now. Green curtains moving over the water!",
            "Never thought I would see the northern lights from my own back garden. Shaking a little.",
            "Stepped out to take the bins out and the sky was glowing. Northern lights, here, tonight!",
            "Pink and green northern lights above the harbour. The whole street is outside in pyjamas.",
            "Phone camera sees the northern lights better than my eyes do, but wow, even faint they are magic.",
            "Drove up to the hill car park. Dozens of people, all quiet, all watching the northern lights.",
            "Kids woken up to see the northern lights. Worth every grumpy minute tomorrow morning.",
            "Is that... yes. Northern lights over the allotments. Never in forty years here.",
            "The northern lights reached so far south tonight that even the city glow could not hide them.",
            "Ten minutes of pure purple overhead. Northern lights, a storm on the sun, and me in slippers.",
            "Anyone else watching the northern lights from the pier? The reflections on the water are unreal.",
            "Northern lights forecast was right for once. Rays straight up from the horizon, like searchlights.",
            "Saw the northern lights with my own eyes tonight. Crossed off the list, and from home!",
            "My grandmother says she last saw northern lights this bright in the eighties. We are both outside now.",
            "Took a long exposure of the northern lights over the lighthouse. Will post it once my hands warm up.",
            "Quick, look north! Northern lights moving fast, the brightest part is right above the church tower.",
            "Cycling home under the northern lights. Had to stop every hundred metres to stare.",
            "The birds are confused and so am I. Northern lights at this latitude, who would have thought.",
            "Even through thin cloud the northern lights show up pink. Absolutely stunning night.",
            "Tonight's northern lights made the whole neighbourhood come out and talk to each other. Lovely.",
            "Was about to go to bed, then the northern lights started. Bed can wait.",
            "Northern lights from the ferry deck, everyone with their phones up and nobody talking.",
            "Solar storm warning earlier, and now the northern lights are dancing over the rooftops.",
            "Those northern lights turned the snowy field purple. Best thing I have seen all year."),
            List.of("Cloudy here, so jealous! Keep posting pictures please.", "We saw it too from the other side of town, incredible.",
                    "How long did it last where you are?", "Going out to look right now, thanks for the heads up!"),
            List.of("Space weather people say a big solar storm could reach us this week. Fingers crossed for clear skies.",
                    "Forecast says the sun has been busy. Maybe we finally get a chance tomorrow night."));

    static final Spec SWING_BRIDGE = new Spec("swing bridge", "swingbridge",
            "https://www.harbourgazette.org/local/swing-bridge-reopens-after-repairs", "swing bridge", 5, 15, 15 / 300.0, 9, false, List.of(
            "The old swing bridge is open again after eight months of repairs. Walked across it twice just because.",
            "Watched the swing bridge turn for a sailing boat this morning, first time since spring. Small joys.",
            "Commute cut by twenty minutes now that the swing bridge is back. Goodbye, detour.",
            "They repainted the swing bridge in its original green. It looks brand new and old at once.",
            "Brass band on the swing bridge for the reopening, and half the town on the quay.",
            "The swing bridge keeper waved at everyone crossing. Lovely to have the bridge back.",
            "Cycled over the swing bridge on the way to work. Smooth new deck, no more rattling planks.",
            "Our swing bridge opened in 1894 and still turns by hand. Glad they repaired it properly.",
            "Ferry is quiet today, everyone is using the swing bridge again.",
            "Queue of happy dogs crossing the swing bridge at lunchtime. The river walk is whole again."),
            List.of("Finally! The ferry was fun but this is so much quicker.", "Did they keep the old lamps on it?",
                    "Going to walk it this weekend."),
            List.of("Rumour says the swing bridge repairs are nearly done. Fingers crossed."));

    static final List<Spec> SPECS = List.of(AURORA, SWING_BRIDGE);

    private static final String[] TRACKING = {"", "", "", "?utm_source=starling", "?utm_source=newsletter&utm_medium=email"};

    private DemoEvents() {
    }

    /** The accounts of the network, read-only. */
    record Network(long[] ids, boolean[] consenting, List<List<Integer>> followers) {
    }

    /** What planting made: the summary of each event and every post written (for counting). */
    record Planted(List<DemoSummary.Event> events, int posts, int replies, int reposts, int favourites) {
    }

    /** Plants {@link #SPECS} between {@code start} and {@code end}, drawing only from {@code r}. */
    static Planted plant(Connection c, Random r, Network net, Instant start, Instant end) throws SQLException {
        List<DemoSummary.Event> events = new ArrayList<>();
        int[] counts = new int[4];
        for (Spec s : SPECS) {
            events.add(plant(c, r, net, start, end, s, counts));
        }
        return new Planted(events, counts[0], counts[1], counts[2], counts[3]);
    }

    private static DemoSummary.Event plant(Connection c, Random r, Network net, Instant start, Instant end, Spec s, int[] counts)
            throws SQLException {
        int n = net.ids().length;
        int k = Math.min(n, Math.min(s.maxAccounts(), Math.max(s.minAccounts(), (int) Math.round(n * s.shareOfAccounts()))));
        List<Integer> everyone = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            everyone.add(i);
        }
        Collections.shuffle(everyone, r);
        List<Integer> authors = everyone.subList(0, k);
        Instant[] times = times(r, k, start, end, s);
        // The newest posts carry tag, link and phrase together (stories group items by the posts they share);
        // of the others, three in four have the tag and two in five the link, always at least five of each.
        int together = Math.min(4, k);
        boolean[] tag = choose(r, k, together, Math.max(Math.min(5, k), Math.round(k * 0.75f)));
        boolean[] link = choose(r, k, together, Math.max(Math.min(5, k), Math.round(k * 0.4f)));
        PostText rules = new PostText(PostText.DEFAULT_MAX_WEIGHTED_LENGTH);
        int firstLine = r.nextInt(s.lines().size());
        List<Post> made = new ArrayList<>();
        int consenting = 0;
        for (int j = 0; j < k; j++) {
            String text = s.lines().get((firstLine + j) % s.lines().size());
            if (link[j]) {
                text = text + " " + s.link() + TRACKING[r.nextInt(TRACKING.length)];
            }
            if (tag[j]) {
                text = r.nextBoolean() ? text + " #" + s.tag() : "#" + s.tag() + " " + text;
            }
            if (rules.validate(text).isPresent()) {
                throw new IllegalStateException("demo event " + s.name() + " has a line that is not a valid post: " + text);
            }
            int a = authors.get(j);
            Post p = PostWriter.insert(c, net.ids()[a], new NewPost(text, PostVisibility.PUBLIC, null, null, "en", false, null), times[j])
                    .orThrow();
            made.add(p);
            consenting += net.consenting()[a] ? 1 : 0;
        }
        counts[0] += k;
        before(c, r, net, start, end, s, counts);
        reactions(c, r, net, end, s, made, counts);
        return new DemoSummary.Event(s.name(), s.tag(), s.link(), s.phrase(), k, made.size(), consenting);
    }

    /** k times between start and end, ascending; rising events crowd towards the end. At least 2 minutes before end. */
    private static Instant[] times(Random r, int k, Instant start, Instant end, Spec s) {
        long spanMillis = Math.min(Duration.ofHours(s.hours()).toMillis(), Math.max(0, Duration.between(start, end).toMillis() - 120_000));
        long[] offsets = new long[k];
        for (int j = 0; j < k; j++) {
            double u = r.nextDouble();
            offsets[j] = 120_000 + (long) ((s.rising() ? u * u : u) * spanMillis);
        }
        Arrays.sort(offsets);
        Instant[] out = new Instant[k];
        for (int j = 0; j < k; j++) {
            out[k - 1 - j] = end.minusMillis(offsets[j]);
        }
        return out;
    }

    /** {@code count} of k flags set: the last {@code last} always, the others at random. */
    private static boolean[] choose(Random r, int k, int last, int count) {
        boolean[] out = new boolean[k];
        List<Integer> rest = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            if (j >= k - last) {
                out[j] = true;
            } else {
                rest.add(j);
            }
        }
        Collections.shuffle(rest, r);
        for (int j = 0; j < Math.min(rest.size(), count - last); j++) {
            out[rest.get(j)] = true;
        }
        return out;
    }

    /** The quieter mentions of the tag on earlier days (one account a day), where the network's span allows. */
    private static void before(Connection c, Random r, Network net, Instant start, Instant end, Spec s, int[] counts) throws SQLException {
        for (int d = 0; d < s.before().size(); d++) {
            Instant at = end.minus(Duration.ofDays(d + 1)).minus(Duration.ofMinutes(30 + r.nextInt(600)));
            int a = r.nextInt(net.ids().length);
            if (at.isBefore(start)) {
                continue;
            }
            String text = s.before().get(d) + " #" + s.tag();
            PostWriter.insert(c, net.ids()[a], new NewPost(text, PostVisibility.PUBLIC, null, null, "en", false, null), at).orThrow();
            counts[0]++;
        }
    }

    /** Replies to a few posts, reposts and likes from followers and others, all between the post and the end. */
    private static void reactions(Connection c, Random r, Network net, Instant end, Spec s, List<Post> made, int[] counts) throws SQLException {
        int n = net.ids().length;
        for (int i = 0; i < s.replies().size() && !made.isEmpty(); i++) {
            Post target = made.get(r.nextInt(made.size()));
            int a = r.nextInt(n);
            if (net.ids()[a] == target.authorId()) {
                continue;
            }
            NewPost reply = new NewPost(s.replies().get(i), PostVisibility.PUBLIC, target.id(), null, "en", false, null);
            Outcome<Post> out = PostWriter.insert(c, net.ids()[a], reply, between(r, target.createdAt(), end));
            if (out.isOk()) {
                counts[0]++;
                counts[1]++;
            }
        }
        for (Post p : made) {
            int author = indexOf(net.ids(), p.authorId());
            List<Integer> fans = net.followers().get(author);
            int likes = 1 + r.nextInt(3) + (fans.isEmpty() ? 0 : r.nextInt(1 + fans.size() / 2));
            Set<Integer> liked = new HashSet<>();
            for (int l = 0; l < likes; l++) {
                int a = !fans.isEmpty() && r.nextInt(3) > 0 ? fans.get(r.nextInt(fans.size())) : r.nextInt(n);
                if (a != author && liked.add(a) && PostWriter.favourite(c, net.ids()[a], p.id(), between(r, p.createdAt(), end)).isOk()) {
                    counts[3]++;
                }
            }
            if (r.nextInt(3) == 0) {
                int a = r.nextInt(n);
                if (a != author && PostWriter.reblog(c, net.ids()[a], p.id(), between(r, p.createdAt(), end)).isOk()) {
                    counts[0]++;
                    counts[2]++;
                }
            }
        }
    }

    private static Instant between(Random r, Instant from, Instant end) {
        long span = Math.max(0, Duration.between(from, end).toMillis());
        return from.plusMillis(span == 0 ? 0 : 1 + (long) (r.nextDouble() * (span - 1)));
    }

    private static int indexOf(long[] ids, long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        throw new IllegalStateException("account " + id + " is not in the demo network");
    }
}
