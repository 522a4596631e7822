package dev.starling.social.db;

import java.sql.SQLException;

/** An unexpected database failure (I/O, bug): not a domain rejection. Carries the SQLState. */
public final class DatabaseException extends RuntimeException {

    private final String sqlState;

    public DatabaseException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
        this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
        return sqlState;
    }

    /** True for PostgreSQL unique_violation (23505). */
    public static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }
}
