package dev.starling.app.loadbench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into one {@code COPY table (columns) FROM STDIN} in PostgreSQL's text format,
 * buffering about {@value #FLUSH_BYTES} bytes at a time. Values are escaped as the text format
 * requires (backslash, tab, newline, carriage return); null is {@code \N}.
 */
final class CopyRows implements AutoCloseable {
    static final int FLUSH_BYTES = 1 << 20;

    private final CopyIn copy;
    private final StringBuilder row = new StringBuilder(256);
    private final StringBuilder buffer = new StringBuilder(FLUSH_BYTES + 4096);
    private boolean firstField = true;
    private long rows;
    private boolean done;

    CopyRows(Connection c, String table, String columns) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
    }

    CopyRows add(long v) {
        sep();
        row.append(v);
        return this;
    }

    CopyRows add(boolean v) {
        sep();
        row.append(v ? 't' : 'f');
        return this;
    }

    CopyRows addNull() {
        sep();
        row.append("\\N");
        return this;
    }

    CopyRows add(String v) {
        sep();
        if (v == null) {
            row.append("\\N");
            return this;
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> row.append("\\\\");
                case '\t' -> row.append("\\t");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                default -> row.append(ch);
            }
        }
        return this;
    }

    /** Ends the current row. */
    void endRow() throws SQLException {
        buffer.append(row).append('\n');
        row.setLength(0);
        firstField = true;
        rows++;
        if (buffer.length() >= FLUSH_BYTES) {
            flush();
        }
    }

    long rows() {
        return rows;
    }

    private void sep() {
        if (!firstField) {
            row.append('\t');
        }
        firstField = false;
    }

    private void flush() throws SQLException {
        byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        buffer.setLength(0);
    }

    /** Sends what is left and ends the COPY; returns the rows PostgreSQL reports. */
    long finish() throws SQLException {
        if (row.length() > 0 || !firstField) {
            throw new IllegalStateException("a row was started but not ended");
        }
        flush();
        done = true;
        return copy.endCopy();
    }

    @Override
    public void close() throws SQLException {
        if (!done && copy.isActive()) {
            copy.cancelCopy();
        }
    }
}
