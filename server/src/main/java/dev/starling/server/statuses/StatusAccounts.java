package dev.starling.server.statuses;

import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The account side of statuses: the author's default visibility for new statuses, and who favourited or reposted a status (favourited_by, reblogged_by), paged by the favourite or
 * repost row id as Mastodon pages them. The caller checks first that the viewer may see the status.
 */
public final class StatusAccounts {
    private final Database db;

    public StatusAccounts(Database db) {
        this.db = db;
    }

    /**
     * The visibility of the account's new statuses that do not name one (Mastodon's
     * {@code source.privacy}); public when the account is gone.
     */
    public dev.starling.social.posts.PostVisibility defaultVisibility(long accountId) {
        return db.withConnection(c -> Accounts.load(c, accountId))
                .map(Account::defaultVisibility).orElse(dev.starling.social.posts.PostVisibility.PUBLIC);
    }

    public Slice<Account> favouritedBy(long postId, Page page) {
        return list("SELECT f.id, f.account_id FROM favourites f WHERE f.post_id = ?" + Paging.conditions("f.id", page)
                + Paging.orderAndLimit("f.id", page), postId, page);
    }

    public Slice<Account> rebloggedBy(long postId, Page page) {
        return list("SELECT p.id, p.author_id FROM posts p WHERE p.reblog_of_id = ?" + Paging.conditions("p.id", page)
                + Paging.orderAndLimit("p.id", page), postId, page);
    }

    private Slice<Account> list(String sql, long postId, Page page) {
        return db.withConnection(c -> {
            List<long[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, postId);
                Paging.bind(ps, 2, page);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            Slice<long[]> s = Paging.slice(rows, r -> r[0], page);
            Map<Long, Account> byId = new HashMap<>();
            for (Account a : Accounts.loadMany(c, s.items().stream().map(r -> r[1]).toList())) byId.put(a.id(), a);
            List<Account> items = new ArrayList<>();
            for (long[] r : s.items()) {
                Account a = byId.get(r[1]);
                if (a != null) items.add(a);
            }
            return new Slice<>(items, s.nextMaxId(), s.prevMinId());
        });
    }
}
