package dev.starling.social.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Rejection;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.testing.TestDatabase;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("notifications");
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void everyTypeIsEmittedFilteredPagedAndDismissed() {
        Account a = social.accounts().createWithoutPassword("na", "na@example.org", "", false).orThrow();
        Account b = social.accounts().createWithoutPassword("nb", "nb@example.org", "", false).orThrow();
        Account locked = social.accounts().createWithoutPassword("nl", "nl@example.org", "", true).orThrow();
        Post p = social.posts().create(a.id(), NewPost.of("hi")).orThrow();
        social.relationships().follow(b.id(), a.id()).orThrow();                        // follow
        social.posts().create(b.id(), NewPost.of("hey @na")).orThrow();                 // mention
        social.posts().create(b.id(), NewPost.of("a reply").replyTo(p.id())).orThrow(); // reply = mention
        social.posts().favourite(b.id(), p.id()).orThrow();                             // favourite
        social.posts().reblog(b.id(), p.id()).orThrow();                                // reblog
        social.relationships().follow(a.id(), locked.id()).orThrow();                   // follow_request (for locked)
        social.posts().favourite(a.id(), p.id()).orThrow();                             // own: no notification

        List<Notification> all = social.notifications().list(a.id(), Page.first(), null, null).items();
        assertEquals(List.of(NotificationType.REBLOG, NotificationType.FAVOURITE, NotificationType.MENTION, NotificationType.MENTION,
                NotificationType.FOLLOW), all.stream().map(Notification::type).toList());
        assertTrue(all.stream().allMatch(n -> n.fromAccountId() == b.id()));
        assertEquals(1, social.notifications().list(locked.id(), Page.first(), Set.of(NotificationType.FOLLOW_REQUEST), null).items().size());
        assertEquals(2, social.notifications().list(a.id(), Page.first(), Set.of(NotificationType.MENTION), null).items().size());
        assertEquals(3, social.notifications().list(a.id(), Page.first(), null, Set.of(NotificationType.MENTION)).items().size());
        // paging
        var first = social.notifications().list(a.id(), Page.first(2), null, null);
        assertEquals(2, first.items().size());
        var second = social.notifications().list(a.id(), new Page(first.nextMaxId(), null, null, 2), null, null);
        assertEquals(all.subList(2, 4), second.items());
        var newer = social.notifications().list(a.id(), new Page(null, null, second.prevMinId(), 2), null, null);
        assertEquals(all.subList(0, 2), newer.items());
        // dismiss
        long id = all.getFirst().id();
        assertTrue(social.notifications().get(a.id(), id).isPresent());
        assertTrue(social.notifications().dismiss(a.id(), id).isOk());
        assertEquals(Rejection.Kind.NOT_FOUND, social.notifications().dismiss(a.id(), id).rejectionOrNull().kind());
        assertEquals(Rejection.Kind.NOT_FOUND, social.notifications().dismiss(b.id(), all.get(1).id()).rejectionOrNull().kind(),
                "cannot dismiss someone else's");
        assertEquals(4, social.notifications().clear(a.id()));
        assertTrue(social.notifications().list(a.id(), Page.first(), null, null).isEmpty());
        // deleting the post removes its notifications; blocking hides the others
        Post p2 = social.posts().create(a.id(), NewPost.of("again")).orThrow();
        social.posts().favourite(b.id(), p2.id()).orThrow();
        social.posts().create(b.id(), NewPost.of("@na again")).orThrow();
        assertEquals(2, social.notifications().list(a.id(), Page.first(), null, null).items().size());
        social.posts().delete(a.id(), p2.id()).orThrow();
        assertEquals(1, social.notifications().list(a.id(), Page.first(), null, null).items().size());
        social.relationships().block(a.id(), b.id()).orThrow();
        assertTrue(social.notifications().list(a.id(), Page.first(), null, null).isEmpty());
    }
}
