package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test of one feed's bounded id set against a plain model: after any sequence of
 * adds (in and out of order, duplicates), the feed's window for any cursors holds exactly the
 * model's ids in that window that are at or above the feed's floor, and never more than its capacity.
 * Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class HomeFeedTest {

    @Test
    void windowsEqualTheModelAboveTheFloor() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("HomeFeedTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        for (int round = 0; round < 300; round++) {
            int capacity = 1 + r.nextInt(20);
            int range = 5 + r.nextInt(100);
            NavigableSet<Long> model = new TreeSet<>();
            int initial = r.nextInt(capacity + 3);
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < initial; i++) {
                first.add((long) r.nextInt(range));
            }
            first = first.stream().distinct().sorted((x, y) -> Long.compare(y, x)).toList();
            boolean complete = r.nextBoolean();
            model.addAll(first);
            HomeFeed feed = new HomeFeed(1L, 0L, Set.of(), first.stream().mapToLong(Long::longValue).toArray(), complete, capacity, 0);
            if (!complete && !first.isEmpty()) {
                assertTrue(feed.floor() >= first.getLast(), "seed " + seed + ": an incomplete feed is complete above its oldest id at most");
            }
            int adds = r.nextInt(60);
            for (int i = 0; i < adds; i++) {
                long id = r.nextInt(3) == 0 ? r.nextInt(range) : range + i; // mostly newer ids, some old ones
                model.add(id);
                feed.add(id);
            }
            String where = "seed " + seed + ", round " + round + ", capacity " + capacity;
            assertTrue(feed.size() <= capacity, where + ": size " + feed.size());
            long floor = feed.floor();
            for (int q = 0; q < 10; q++) {
                Long maxId = r.nextBoolean() ? null : (long) r.nextInt(range + adds + 2) - 1;
                Long sinceId = r.nextBoolean() ? null : (long) r.nextInt(range + adds + 2) - 1;
                long[] expected = model.descendingSet().stream()
                        .filter(id -> id >= floor && (maxId == null || id < maxId) && (sinceId == null || id > sinceId))
                        .mapToLong(Long::longValue).toArray();
                assertArrayEquals(expected, feed.window(maxId, sinceId), where + ", floor " + floor + ", max_id " + maxId + ", since_id " + sinceId);
            }
        }
    }
}
