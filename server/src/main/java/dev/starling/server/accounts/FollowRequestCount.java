package dev.starling.server.accounts;

import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The number of pending follow requests to an account (CredentialAccount's source.follow_requests_count). */
public final class FollowRequestCount {
    private final Database db;

    public FollowRequestCount(Database db) {
        this.db = db;
    }

    public long of(long accountId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM follow_requests WHERE target_id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
