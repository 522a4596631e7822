package dev.starling.social.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/** Child process for {@link EmbeddedDatabaseTest}: starts the embedded server on a data dir, writes a row, then waits to be killed. */
public final class EmbeddedHolder {

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase pg = EmbeddedDatabase.start(Path.of(args[0]), 0, EmbeddedDatabase.Mode.DURABLE);
        try (Database db = Database.open(pg.config(2)); Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS survivor (v text)");
            st.execute("INSERT INTO survivor VALUES ('" + args[1] + "')");
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
