package dev.starling.social.relationships;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Rejection;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.notifications.Notification;
import dev.starling.social.notifications.NotificationType;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RelationshipsTest {

    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("relationships");
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    static Account account(String name, boolean locked) {
        return social.accounts().createWithoutPassword(name, name + "@example.org", name, locked).orThrow();
    }

    @Test
    void followUnlockedIsImmediateAndNotifies() {
        Account a = account("fa", false);
        Account b = account("fb", false);
        Relationship r = social.relationships().follow(a.id(), b.id()).orThrow();
        assertTrue(r.following());
        assertFalse(r.requested());
        assertTrue(social.relationships().relationship(b.id(), a.id()).followedBy());
        assertEquals(1, social.accounts().byId(b.id()).orElseThrow().followersCount());
        assertEquals(1, social.accounts().byId(a.id()).orElseThrow().followingCount());
        List<Notification> ns = social.notifications().list(b.id(), Page.first(), Set.of(NotificationType.FOLLOW), null).items();
        assertEquals(1, ns.size());
        assertEquals(a.id(), ns.getFirst().fromAccountId());
        assertTrue(social.relationships().follow(a.id(), b.id()).isOk(), "following twice is fine");
        assertEquals(1, social.notifications().list(b.id(), Page.first(), null, null).items().size(), "no second notification");
        assertFalse(social.relationships().unfollow(a.id(), b.id()).orThrow().following());
        assertEquals(Rejection.Kind.INVALID, social.relationships().follow(a.id(), a.id()).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.NOT_FOUND, social.relationships().follow(a.id(), 12345).rejectionOrNull().kind());
    }

    @Test
    void lockedAccountsGetFollowRequests() {
        Account a = account("la", false);
        Account locked = account("lb", true);
        Account c = account("lc", false);
        Relationship r = social.relationships().follow(a.id(), locked.id()).orThrow();
        assertFalse(r.following());
        assertTrue(r.requested());
        social.relationships().follow(c.id(), locked.id()).orThrow();
        assertTrue(social.relationships().relationship(locked.id(), a.id()).requestedBy());
        assertEquals(List.of(c.id(), a.id()), social.relationships().followRequests(locked.id(), Page.first()).items().stream()
                .map(e -> e.account().id()).toList());
        assertEquals(2, social.notifications().list(locked.id(), Page.first(), Set.of(NotificationType.FOLLOW_REQUEST), null).items().size());
        assertTrue(social.relationships().authorize(locked.id(), a.id()).orThrow().followedBy());
        assertTrue(social.relationships().relationship(a.id(), locked.id()).following());
        assertFalse(social.relationships().reject(locked.id(), c.id()).orThrow().followedBy());
        assertFalse(social.relationships().relationship(c.id(), locked.id()).requested());
        assertEquals(Rejection.Kind.NOT_FOUND, social.relationships().authorize(locked.id(), c.id()).rejectionOrNull().kind());
    }

    @Test
    void unlockingAcceptsPendingRequests() {
        Account a = account("ua", false);
        Account locked = account("ub", true);
        assertTrue(social.relationships().follow(a.id(), locked.id()).orThrow().requested());
        social.accounts().updateProfile(locked.id(), dev.starling.social.accounts.ProfileUpdate.none().withLocked(false)).orThrow();
        Relationship r = social.relationships().relationship(a.id(), locked.id());
        assertTrue(r.following());
        assertFalse(r.requested());
        assertTrue(social.relationships().followRequests(locked.id(), Page.first()).isEmpty());
    }

    @Test
    void blockRemovesFollowsBothWaysAndPreventsFollowing() {
        Account a = account("ba", false);
        Account b = account("bb", false);
        social.relationships().follow(a.id(), b.id()).orThrow();
        social.relationships().follow(b.id(), a.id()).orThrow();
        Relationship r = social.relationships().block(a.id(), b.id()).orThrow();
        assertTrue(r.blocking());
        assertFalse(r.following());
        assertFalse(r.followedBy());
        assertTrue(social.relationships().relationship(b.id(), a.id()).blockedBy());
        assertEquals(Rejection.Kind.FORBIDDEN, social.relationships().follow(b.id(), a.id()).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.FORBIDDEN, social.relationships().follow(a.id(), b.id()).rejectionOrNull().kind());
        Post p = social.posts().create(a.id(), NewPost.of("hello")).orThrow();
        assertTrue(social.posts().get(b.id(), p.id()).isEmpty(), "blocked either way: invisible");
        assertTrue(social.posts().get(null, p.id()).isPresent());
        assertFalse(social.relationships().unblock(a.id(), b.id()).orThrow().blocking());
        assertTrue(social.posts().get(b.id(), p.id()).isPresent());
    }

    @Test
    void muteHidesFromHomeButNotFromAccountTimeline() {
        Account a = account("ma", false);
        Account b = account("mb", false);
        social.relationships().follow(a.id(), b.id()).orThrow();
        Post p = social.posts().create(b.id(), NewPost.of("muted soon @ma")).orThrow();
        assertEquals(List.of(p.id()), social.timelines().home(a.id(), Page.first()).items().stream().map(Post::id).toList());
        Relationship r = social.relationships().mute(a.id(), b.id(), true).orThrow();
        assertTrue(r.muting());
        assertTrue(r.mutingNotifications());
        assertTrue(social.timelines().home(a.id(), Page.first()).isEmpty());
        assertEquals(1, social.timelines().account(a.id(), b.id(), dev.starling.social.timelines.AccountFilter.NONE, Page.first()).items().size());
        assertTrue(social.posts().get(a.id(), p.id()).isPresent(), "mutes are not visibility");
        assertTrue(social.notifications().list(a.id(), Page.first(), Set.of(NotificationType.MENTION), null).isEmpty(),
                "muted notifications are hidden");
        assertFalse(social.relationships().unmute(a.id(), b.id()).orThrow().muting());
        assertEquals(1, social.notifications().list(a.id(), Page.first(), Set.of(NotificationType.MENTION), null).items().size());
    }

    @Test
    void followerListsPageByFollowRowId() {
        Account star = account("star", false);
        List<Long> followers = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Account f = account("fan" + i, false);
            social.relationships().follow(f.id(), star.id()).orThrow();
            followers.addFirst(f.id());
        }
        List<Long> seen = new ArrayList<>();
        Page page = Page.first(3);
        while (true) {
            Slice<AccountEntry> s = social.relationships().followers(star.id(), page);
            if (s.isEmpty()) {
                break;
            }
            s.items().forEach(e -> seen.add(e.account().id()));
            page = new Page(s.nextMaxId(), null, null, 3);
        }
        assertEquals(followers, seen);
        Account fan0 = social.accounts().byUsername("fan0").orElseThrow();
        assertEquals(List.of(star.id()), social.relationships().following(fan0.id(), Page.first()).items().stream().map(e -> e.account().id()).toList());
    }
}
