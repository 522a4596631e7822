package dev.starling.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopesTest {
    @Test
    void topLevelScopesCoverTheirGranularOnes() {
        assertTrue(Scopes.allows(Set.of("read"), "read:statuses"));
        assertFalse(Scopes.allows(Set.of("read"), "write:statuses"));
        assertTrue(Scopes.allows(Set.of("write:statuses"), "write:statuses"));
        assertFalse(Scopes.allows(Set.of("write:statuses"), "write:favourites"));
        assertTrue(Scopes.allows(Set.of("follow"), "write:follows"));
        assertTrue(Scopes.allows(Set.of("follow"), "read:blocks"));
        assertFalse(Scopes.allows(Set.of("follow"), "read:statuses"));
        assertTrue(Scopes.allows(Set.of("read"), "profile"));
        assertTrue(Scopes.allows(Set.of("profile"), "profile"));
        assertFalse(Scopes.allows(Set.of("write"), "profile"));
    }

    @Test
    void parsesSpaceOrPlusSeparatedListsAndRejectsUnknownScopes() {
        assertEquals(Set.of("read", "write"), Scopes.parse("read+write"));
        assertEquals(Set.of("read"), Scopes.parse(null));
        assertNull(Scopes.parse("read admin:everything"));
        assertEquals("admin:everything", Scopes.unknown("read admin:everything"));
        assertTrue(Scopes.subset(Set.of("read:statuses"), Set.of("read", "write")));
        assertFalse(Scopes.subset(Set.of("follow"), Set.of("read", "write")));
    }
}
