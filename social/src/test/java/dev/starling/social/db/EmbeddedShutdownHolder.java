package dev.starling.social.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Child process for {@link EmbeddedShutdownOrderTest}: starts the embedded server, registers an application shutdown
 * hook that still writes to the database 1.5 s after the JVM began to exit (as serve's hook stops threads that write),
 * and waits for SIGTERM. It prints whether that late write succeeded.
 */
public final class EmbeddedShutdownHolder {

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase pg = EmbeddedDatabase.start(Path.of(args[0]), 0, EmbeddedDatabase.Mode.DURABLE);
        Database db = Database.open(pg.config(2));
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS survivor (v text)");
        }
        Thread hook = new Thread(() -> {
            try {
                Thread.sleep(1500);
                try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO survivor VALUES ('written while exiting')");
                }
                System.out.println("HOOK-WROTE");
            } catch (Exception e) {
                System.out.println("HOOK-FAILED: " + e.getMessage());
            } finally {
                System.out.flush();
                db.close();
            }
        }, "application-shutdown");
        pg.stopAfter(hook);
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
