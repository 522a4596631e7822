package dev.starling.social.visibility;

import java.util.Set;

/**
 * What {@link Visibility#canSee} needs to know about who is looking: the account id (null for an
 * anonymous visitor), the accounts it follows (accepted follows only, not pending requests) and
 * the accounts it blocks or is blocked by. Load one with {@link Visibility#viewer}.
 */
public record Viewer(Long accountId, Set<Long> following, Set<Long> blockedEitherWay) implements ViewerRelations {

    public static final Viewer ANONYMOUS = new Viewer(null, Set.of(), Set.of());

    public Viewer {
        following = Set.copyOf(following);
        blockedEitherWay = Set.copyOf(blockedEitherWay);
    }

    @Override
    public boolean is(long id) {
        return accountId != null && accountId == id;
    }

    @Override
    public boolean follows(long accountId) {
        return following.contains(accountId);
    }

    @Override
    public boolean blocksEitherWay(long accountId) {
        return blockedEitherWay.contains(accountId);
    }
}
