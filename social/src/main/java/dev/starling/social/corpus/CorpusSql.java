package dev.starling.social.corpus;

import dev.starling.social.outbox.EventType;
import dev.starling.social.posts.PostVisibility;

/**
 * The selection rules as SQL, in one place: {@link #POST_REASON} names the first {@link PostExclusion}
 * of a post {@code p} by author {@code a} (NULL: included), and {@link #POST_INCLUDED} is exactly
 * the condition under which it is NULL.
 */
final class CorpusSql {

    private CorpusSql() {
    }

    /** Characters that do not count as text (a post of only these is {@link PostExclusion#EMPTY_TEXT}). */
    static final String BLANK_CHARS = " \t\r\n";

    private static final String EMPTY = "btrim(p.text, E' \\t\\r\\n') = ''";

    static final String POST_REASON = "CASE"
            + " WHEN p.reblog_of_id IS NOT NULL THEN '" + PostExclusion.REPOST + "'"
            + " WHEN NOT a.ai_training_consent THEN '" + PostExclusion.AUTHOR_NOT_CONSENTING + "'"
            + " WHEN a.bot THEN '" + PostExclusion.AUTHOR_BOT + "'"
            + " WHEN p.visibility = " + PostVisibility.UNLISTED.code() + " THEN '" + PostExclusion.UNLISTED + "'"
            + " WHEN p.visibility = " + PostVisibility.PRIVATE.code() + " THEN '" + PostExclusion.FOLLOWERS_ONLY + "'"
            + " WHEN p.visibility = " + PostVisibility.DIRECT.code() + " THEN '" + PostExclusion.DIRECT + "'"
            + " WHEN p.visibility <> " + PostVisibility.PUBLIC.code() + " THEN 'UNKNOWN_VISIBILITY'"
            + " WHEN " + EMPTY + " THEN '" + PostExclusion.EMPTY_TEXT + "'"
            + " END";

    static final String POST_INCLUDED = "p.reblog_of_id IS NULL AND a.ai_training_consent AND NOT a.bot"
            + " AND p.visibility = " + PostVisibility.PUBLIC.code() + " AND NOT (" + EMPTY + ")";

    static final String POST_COUNTS = "SELECT " + POST_REASON + " AS reason, count(*) FROM posts p JOIN accounts a ON a.id = p.author_id GROUP BY 1";

    static final String ACCOUNT_COUNTS = "SELECT CASE"
            + " WHEN NOT a.ai_training_consent THEN '" + AccountExclusion.NOT_CONSENTING + "'"
            + " WHEN a.bot THEN '" + AccountExclusion.BOT + "'"
            + " WHEN NOT EXISTS (SELECT 1 FROM posts p WHERE p.author_id = a.id AND " + POST_INCLUDED + ") THEN '"
            + AccountExclusion.NO_ELIGIBLE_POSTS + "'"
            + " END AS reason, count(*) FROM accounts a GROUP BY 1";

    /** Deletions of original posts recorded in the outbox (a repost's deletion carries its reblog_of_id). */
    static final String DELETED_ORIGINALS = "SELECT count(*) FROM outbox WHERE type = '" + EventType.POST_DELETED.wireName() + "'"
            + " AND (payload->>'reblog_of_id') IS NULL";

    static final String POSTS = "SELECT p.id, p.author_id, p.created_at, p.language, p.text"
            + " FROM posts p JOIN accounts a ON a.id = p.author_id WHERE " + POST_INCLUDED + " ORDER BY p.id";
}
