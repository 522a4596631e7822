package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.starling.social.accounts.Account;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Post} and {@link PostView} write their equality out by hand (for speed); this holds it to
 * the records' components, so that a component added later cannot be left out: two instances that
 * differ in exactly one component are unequal, and copies are equal with equal hashes.
 */
class PostRecordsEqualityTest {

    private static final Account ALICE = new Account(1, "alice", "a@example.org", "Alice", "bio", null, false, false, false,
            Instant.parse("2026-01-01T00:00:00Z"), 1, 2, 3, Instant.parse("2026-01-02T00:00:00Z"), PostVisibility.PUBLIC);
    private static final Account BOB = new Account(2, "bob", "b@example.org", "Bob", "", null, true, false, false,
            Instant.parse("2026-01-01T00:00:00Z"), 0, 0, 0, null, PostVisibility.PRIVATE);
    private static final Entities SOME = new Entities(List.of("tag"), List.of(new Entities.Mention(2, "bob")), List.of(), List.of());
    private static final Post P1 = new Post(10, 1, "hello #tag @bob", PostVisibility.PUBLIC, 9L, 2L, 8L, null, null, "en", false, "",
            SOME, Instant.parse("2026-01-03T00:00:00Z"), null);
    private static final Post P2 = new Post(11, 2, "other", PostVisibility.UNLISTED, null, null, null, 10L, 7L, null, true, "cw",
            Entities.NONE, Instant.parse("2026-01-04T00:00:00Z"), Instant.parse("2026-01-05T00:00:00Z"));
    private static final PostView V2 = new PostView(P2, BOB, null, null, 0, 0, 0, false, false, false);

    /** A value of the component's type that differs from {@code current}. */
    private static Object other(Class<?> type, Object current) {
        if (type == long.class) return (Long) current + 1;
        if (type == boolean.class) return !(Boolean) current;
        if (type == Long.class) return current == null ? 42L : null;
        if (type == String.class) return current == null ? "x" : current + "!";
        if (type == Instant.class) return current == null ? Instant.EPOCH : null;
        if (type == PostVisibility.class) return current == PostVisibility.DIRECT ? PostVisibility.PUBLIC : PostVisibility.DIRECT;
        if (type == Entities.class) return SOME.equals(current) ? Entities.NONE : SOME;
        if (type == Post.class) return P1.equals(current) ? P2 : P1;
        if (type == Account.class) return ALICE.equals(current) ? BOB : ALICE;
        if (type == PostView.class) return current == null ? V2 : null;
        throw new AssertionError("no other value for component type " + type + ": extend this test");
    }

    private static <R extends Record> void checkEveryComponent(R base) throws Exception {
        Class<?> type = base.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = components[i].getAccessor().invoke(base);
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        Object copy = canonical.newInstance(values.clone());
        assertEquals(base, copy, type.getSimpleName() + ": a copy is equal");
        assertEquals(base.hashCode(), copy.hashCode(), type.getSimpleName() + ": a copy hashes alike");
        for (int i = 0; i < components.length; i++) {
            Object[] changed = values.clone();
            changed[i] = other(types[i], values[i]);
            Object differs = canonical.newInstance(changed);
            assertNotEquals(base, differs, type.getSimpleName() + "." + components[i].getName() + " is left out of equals");
            assertNotEquals(differs, base, type.getSimpleName() + "." + components[i].getName() + " is left out of equals (reversed)");
        }
    }

    @Test
    void everyComponentTakesPartInEquality() throws Exception {
        checkEveryComponent(P1);
        checkEveryComponent(P2);
        checkEveryComponent(new PostView(P1, ALICE, V2, V2, 1, 2, 3, true, false, true));
        checkEveryComponent(V2);
    }
}
