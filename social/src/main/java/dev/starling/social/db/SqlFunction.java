package dev.starling.social.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one JDBC connection. */
@FunctionalInterface
public interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
}
