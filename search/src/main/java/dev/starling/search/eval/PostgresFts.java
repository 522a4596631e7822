package dev.starling.search.eval;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The PostgreSQL full-text search baseline: documents in a table with
 * {@code to_tsvector('english', text)} under a GIN index, queries as the OR of the query's
 * lexemes ({@code plainto_tsquery('english', q)} with AND turned into OR, so that, like the lexical
 * ranker, any term may match), ranked by {@code ts_rank_cd}.
 */
public final class PostgresFts implements SearchEvaluation.Ranker {

    private final DataSource ds;
    private final String table;

    public PostgresFts(DataSource ds, String table, Map<Long, String> documents) {
        if (!table.matches("[a-z_][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("table name must match [a-z_][a-z0-9_]{0,40}: " + table);
        }
        this.ds = ds;
        this.table = table;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, body text NOT NULL, tsv tsvector)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, body) VALUES (?, ?)")) {
                for (Map.Entry<Long, String> e : documents.entrySet()) {
                    ps.setLong(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            st.execute("UPDATE " + table + " SET tsv = to_tsvector('english', body)");
            st.execute("CREATE INDEX " + table + "_tsv ON " + table + " USING gin (tsv)");
            st.execute("ANALYZE " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("could not load documents into PostgreSQL table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Long> rank(String query, int k) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT d.id FROM " + table + " d, (SELECT replace(plainto_tsquery('english', ?)::text, '&', '|')::tsquery AS q) x "
                        + "WHERE d.tsv @@ x.q ORDER BY ts_rank_cd(d.tsv, x.q) DESC, d.id LIMIT ?")) {
            ps.setString(1, query);
            ps.setInt(2, k);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL full-text query failed: " + e.getMessage(), e);
        }
    }
}
