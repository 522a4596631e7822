package dev.starling.social.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A PostgreSQL server run by Starling itself from the zonky embedded binaries (Maven Central),
 * with its cluster under {@code <dataDir>/postgres} that survives restarts.
 *
 * <p>Behaviour on restart: zonky runs {@code initdb} only when {@code postgresql.conf} is absent, so an
 * existing cluster is reused as is. The postmaster runs as a separate OS process: when the JVM is
 * killed with {@code kill -9} the postmaster keeps running and keeps {@code postmaster.pid}. Before
 * starting, {@link #start} therefore stops an orphaned postmaster of this data directory (SIGTERM,
 * then waits) and removes a {@code postmaster.pid} whose process is gone or is not a postgres.
 *
 * <p>Durability: zonky's defaults are for tests ({@code -F}, i.e. fsync off, and
 * {@code synchronous_commit=off}); for {@link Mode#DURABLE} this class turns fsync and
 * synchronous commit back on, so a committed (acknowledged) write survives a power loss.
 * {@link Mode#TEST} keeps zonky's fast settings.
 *
 * <p>Access: zonky's initdb trusts every local connection. In {@link Mode#DURABLE} the cluster is
 * locked down on first start: a random password is set for {@value #USER}, stored in
 * {@code <dataDir>/postgres.password} (owner read/write only), and {@code pg_hba.conf} is rewritten
 * to require SCRAM for every connection (socket and loopback). {@link #config} and
 * {@link #password()} carry it, so other local users of the machine cannot read the network.
 *
 * <p>Stopping at exit: the JVM runs its shutdown hooks all at once. zonky's own hook would stop PostgreSQL while the
 * application's hook is still stopping the threads that use it (they then fail with "terminating connection due to
 * administrator command"), so a {@link Mode#DURABLE} cluster has Starling's hook instead, which first waits for the
 * hooks given to {@link #stopAfter} (to be started, as the JVM starts its hooks in no set order, and then to end).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database created inside the cluster for Starling. */
    public static final String DATABASE_NAME = "starling";
    public static final String USER = "postgres";

    public enum Mode { DURABLE, TEST }

    static final String HBA_SCRAM = """
            # Written by Starling (EmbeddedDatabase): password (SCRAM) authentication for every connection.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final Path clusterDir;
    private volatile String password;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<Thread> stopAfter = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** How long the exit hook waits for the application's own shutdown hooks before it stops PostgreSQL anyway. */
    static final long STOP_AFTER_WAIT_MILLIS = 60_000;
    /**
     * How long the exit hook waits for an application hook to be started at all. The JVM starts its shutdown hooks one
     * after another in no set order, so this one may run first; join() on a thread not yet started returns at once.
     */
    static final long HOOK_START_WAIT_MILLIS = 2_000;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path clusterDir, String password) {
        this.postgres = postgres;
        this.clusterDir = clusterDir;
        this.password = password;
    }

    /**
     * Starts (initialising on first use) the cluster under {@code dataDir/postgres}.
     *
     * @param port the TCP port on 127.0.0.1/localhost, or 0 to pick a free one
     */
    public static EmbeddedDatabase start(Path dataDir, int port, Mode mode) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        Path cluster = dataDir.toAbsolutePath().resolve("postgres");
        try {
            Files.createDirectories(cluster);
            stopOrphanedPostmaster(cluster);
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("max_connections", "200");
            Path passwordFile = dataDir.toAbsolutePath().resolve("postgres.password");
            String pw = null;
            if (mode == Mode.DURABLE) {
                b.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on");
                if (Files.exists(passwordFile)) {
                    pw = Files.readString(passwordFile).strip();
                    b.setConnectConfig("password", pw);
                    b.setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
                }
            }
            if (port > 0) {
                b.setPort(port);
            }
            b.setRegisterShutdownHook(mode != Mode.DURABLE);
            EmbeddedPostgres pg = b.start();
            EmbeddedDatabase db = new EmbeddedDatabase(pg, cluster, pw);
            if (mode == Mode.DURABLE) {
                Runtime.getRuntime().addShutdownHook(new Thread(db::stopAtExit, "starling-postgres-stop"));
            }
            db.createDatabaseIfMissing(DATABASE_NAME);
            if (mode == Mode.DURABLE && pw == null) {
                db.lockDown(passwordFile);
            }
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + cluster + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a throw-away cluster in a fresh temporary directory, deleted on close (tests and
     * benchmarks). Fast settings (fsync off).
     */
    public static EmbeddedDatabase startTemporary() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "200").start();
            EmbeddedDatabase db = new EmbeddedDatabase(pg, null, null);
            db.createDatabaseIfMissing(DATABASE_NAME);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a temporary embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the {@link #DATABASE_NAME} database (user {@link #USER}, trust auth on localhost). */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE_NAME);
    }

    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl(USER, database);
    }

    /** {@link Database.Config} for the starling database (with the password in durable mode). */
    public Database.Config config(int maxPoolSize) {
        return new Database.Config(jdbcUrl(), USER, password, maxPoolSize);
    }

    /** The {@value #USER} password (durable mode), e.g. for {@code PGPASSWORD} of pgbench; empty in test mode. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public int port() {
        return postgres.getPort();
    }

    /** The cluster directory, or empty for a temporary cluster. */
    public Optional<Path> clusterDirectory() {
        return Optional.ofNullable(clusterDir);
    }

    /** The maintenance database (postgres), e.g. to create per-test databases. */
    public DataSource postgresDatabase() {
        return password == null ? postgres.getPostgresDatabase() : postgres.getDatabase(USER, "postgres", java.util.Map.of("password", password));
    }

    /** Creates database {@code name} ([a-z0-9_]{1,63}) when it does not exist yet. */
    public void createDatabaseIfMissing(String name) {
        if (!name.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("database name must match [a-z0-9_]{1,63}: " + name);
        }
        try (Connection c = postgresDatabase().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not create database " + name, e);
        }
    }

    /** First durable start: set a random password, store it (0600), require SCRAM, reload. */
    private void lockDown(Path passwordFile) throws IOException {
        byte[] raw = new byte[24];
        new java.security.SecureRandom().nextBytes(raw);
        String pw = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw); // [A-Za-z0-9_-] only
        Path tmp = passwordFile.resolveSibling(passwordFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: rely on the data directory's permissions
        }
        Files.writeString(tmp, pw + "\n");
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + USER + " PASSWORD '" + pw + "'");
            Files.move(tmp, passwordFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            writeHba(clusterDir);
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new DatabaseException("could not set the embedded database password", e);
        }
        this.password = pw;
    }

    private static void writeHba(Path cluster) {
        try {
            Files.writeString(cluster.resolve("pg_hba.conf"), HBA_SCRAM);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + cluster.resolve("pg_hba.conf"), e);
        }
    }

    /**
     * Makes the exit hook of a {@link Mode#DURABLE} cluster wait for {@code shutdownHook} (the application's own, which
     * stops what uses the database) before it stops PostgreSQL.
     */
    public void stopAfter(Thread shutdownHook) {
        stopAfter.add(shutdownHook);
    }

    private void stopAtExit() {
        awaitHooks(stopAfter, HOOK_START_WAIT_MILLIS, STOP_AFTER_WAIT_MILLIS);
        close();
    }

    /**
     * Waits until each hook has run: first until it was started (at most {@code startWaitMillis} each: a hook never
     * registered is never started), then until it ends (at most {@code endWaitMillis} for all of them).
     */
    static void awaitHooks(List<Thread> hooks, long startWaitMillis, long endWaitMillis) {
        long end = System.nanoTime() + endWaitMillis * 1_000_000L;
        try {
            for (Thread t : hooks) {
                long started = System.nanoTime() + startWaitMillis * 1_000_000L;
                while (t.getState() == Thread.State.NEW && System.nanoTime() < started) {
                    Thread.sleep(5);
                }
                long leftMillis = (end - System.nanoTime()) / 1_000_000L;
                if (leftMillis <= 0) {
                    return;
                }
                t.join(leftMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops PostgreSQL (once; later calls do nothing). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** True when the process works in {@code cluster}: its cwd (a postmaster chdirs to its data dir) or its arguments say so. */
    static boolean runsIn(ProcessHandle p, Path cluster) {
        try {
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"));
            return cwd.equals(cluster.toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            String[] args = p.info().arguments().orElse(new String[0]);
            for (String a : args) {
                if (a.contains(cluster.toString())) {
                    return true;
                }
            }
            return args.length == 0; // nothing to tell: assume ours, as the pid file says
        }
    }

    /**
     * Handles a {@code postmaster.pid} left behind by a killed JVM: stops a live postgres that owns
     * it, or deletes it when its process is gone or is something else (pid reuse).
     */
    static void stopOrphanedPostmaster(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        // zonky holds "epg-lock" while a live EmbeddedPostgres owns the cluster: never stop that one.
        try (FileChannel ch = FileChannel.open(cluster.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new IOException("the data directory " + cluster + " is in use by another running Starling");
            }
        } catch (OverlappingFileLockException e) {
            throw new IOException("the data directory " + cluster + " is already open in this process", e);
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.isEmpty() ? "" : lines.getFirst().trim());
        } catch (NumberFormatException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            Files.deleteIfExists(pidFile);
            return;
        }
        String command = handle.get().info().command().orElse("");
        if (!command.contains("postgres") || !runsIn(handle.get(), cluster)) {
            // The pid was reused by another program (or another cluster's postgres): not ours to stop.
            Files.deleteIfExists(pidFile);
            return;
        }
        // An orphaned postmaster of this cluster: ask it to shut down (SIGTERM = smart shutdown;
        // its client, our dead JVM, is gone) and wait for it.
        handle.get().destroy();
        try {
            handle.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("an orphaned postgres (pid " + pid + ") of " + cluster
                    + " did not stop within 60 s; stop it and retry", e);
        }
    }
}
