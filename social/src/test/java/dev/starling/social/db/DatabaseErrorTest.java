package dev.starling.social.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection on which work threw an Error is not handed out again: the driver may have stopped
 * part-way through a server message (an OutOfMemoryError while receiving rows), and a rollback on
 * such a stream once waited forever (see CorpusSnapshot). The server process behind the connection
 * that saw an Error ends (its socket was closed), while one behind an ordinary failure lives on in
 * the pool; the transaction's write is gone either way.
 */
class DatabaseErrorTest {

    static Database db;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("db_error", 2);
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE error_probe (id int PRIMARY KEY)");
            }
            return null;
        });
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void anErrorInATransactionRollsBackAndRetiresTheConnection() throws InterruptedException {
        int[] pid = {0};
        OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class, () -> db.inTransaction(c -> {
            pid[0] = backendPid(c);
            insert(c, 1);
            throw new OutOfMemoryError("simulated, after a write");
        }));
        assertEquals("simulated, after a write", thrown.getMessage());
        assertTrue(ended(pid[0], 5_000), "the connection that saw the Error is still open (back in the pool)");
        assertEquals(0, count(), "the transaction's write survived an Error");
    }

    @Test
    void anErrorInAReadRetiresTheConnection() throws InterruptedException {
        int[] pid = {0};
        assertThrows(StackOverflowError.class, () -> db.read(c -> {
            pid[0] = backendPid(c);
            throw new StackOverflowError("simulated");
        }));
        assertTrue(ended(pid[0], 5_000), "the connection that saw the Error is still open (back in the pool)");
    }

    @Test
    void anOrdinaryFailureKeepsTheConnection() throws InterruptedException {
        int[] pid = {0};
        assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
            pid[0] = backendPid(c);
            insert(c, 2);
            throw new IllegalStateException("a rule said no");
        }));
        assertFalse(ended(pid[0], 500), "a rolled-back transaction should not cost a connection");
        assertEquals(0, count());
    }

    private static void insert(Connection c, int id) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO error_probe VALUES (" + id + ")");
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether the server process {@code pid} has gone, waiting up to {@code waitMillis} for it to notice its closed socket. */
    private static boolean ended(int pid, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (true) {
            long alive = db.read(c -> {
                try (var ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
                    ps.setInt(1, pid);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
            if (alive == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    private static long count() {
        return db.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM error_probe")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
