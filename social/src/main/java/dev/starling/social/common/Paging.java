package dev.starling.social.common;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToLongFunction;

/** SQL helpers for {@link Page}: range conditions on an id column, order and slice building. */
public final class Paging {

    private Paging() {
    }

    /** " AND col < ? AND col > ? ..." for the cursors present (bind with {@link #bind}). */
    public static String conditions(String idColumn, Page page) {
        StringBuilder sb = new StringBuilder();
        if (page.maxId() != null) {
            sb.append(" AND ").append(idColumn).append(" < ?");
        }
        if (page.sinceId() != null) {
            sb.append(" AND ").append(idColumn).append(" > ?");
        }
        if (page.minId() != null) {
            sb.append(" AND ").append(idColumn).append(" > ?");
        }
        return sb.toString();
    }

    /** " ORDER BY col DESC LIMIT n" (ASC when anchored at min_id). */
    public static String orderAndLimit(String idColumn, Page page) {
        return " ORDER BY " + idColumn + (page.ascending() ? " ASC" : " DESC") + " LIMIT " + page.limit();
    }

    /** Binds the cursors of {@link #conditions} from {@code index}; returns the next free index. */
    public static int bind(PreparedStatement ps, int index, Page page) throws SQLException {
        if (page.maxId() != null) {
            ps.setLong(index++, page.maxId());
        }
        if (page.sinceId() != null) {
            ps.setLong(index++, page.sinceId());
        }
        if (page.minId() != null) {
            ps.setLong(index++, page.minId());
        }
        return index;
    }

    /** Puts rows newest first and computes the Link cursors. */
    public static <T> Slice<T> slice(List<T> rows, ToLongFunction<T> cursor, Page page) {
        List<T> items = new ArrayList<>(rows);
        if (page.ascending()) {
            Collections.reverse(items);
        }
        if (items.isEmpty()) {
            return Slice.empty();
        }
        return new Slice<>(items, cursor.applyAsLong(items.getLast()), cursor.applyAsLong(items.getFirst()));
    }
}
