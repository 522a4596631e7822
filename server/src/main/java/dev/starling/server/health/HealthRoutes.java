package dev.starling.server.health;

import dev.starling.server.RouteModule;
import dev.starling.server.metrics.Metrics;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * {@code GET /health}: 200 {"status":"ok"} when the database answers a query within 2 s, else 503
 * with the reason; {@code GET /metrics}: the Prometheus text exposition.
 */
public final class HealthRoutes implements RouteModule {
    private final DataSource dataSource;
    private final Metrics metrics;

    public HealthRoutes(DataSource dataSource, Metrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/health", ctx -> {
            long started = System.nanoTime();
            Map<String, Object> body = new LinkedHashMap<>();
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.setQueryTimeout(2);
                try (ResultSet rs = st.executeQuery("SELECT 1")) {
                    rs.next();
                }
                body.put("status", "ok");
                body.put("database", "ok");
                ctx.status(200);
            } catch (Exception e) {
                body.put("status", "unavailable");
                body.put("database", e.getClass().getSimpleName() + ": " + e.getMessage());
                ctx.status(503);
            }
            body.put("database_millis", (System.nanoTime() - started) / 1_000_000);
            ctx.json(body);
        });
        routes.get("/metrics", metrics::scrape);
    }
}
