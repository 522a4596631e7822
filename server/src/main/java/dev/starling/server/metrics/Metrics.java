package dev.starling.server.metrics;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's Prometheus registry: request count and latency by method, route template and
 * status ({@code http_server_requests_seconds}), plus whatever gauges the parts register
 * (database pool, outbox lag).
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Records one finished request; {@code route} is the matched path template, never the raw path. */
    public void recordRequest(String method, String route, int status, float elapsedMillis) {
        Timer.builder("http.server.requests")
                .description("HTTP requests by route template and status")
                .tag("method", method).tag("uri", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram(false)
                .register(registry)
                .record((long) (elapsedMillis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, () -> {
            Number n = value.get();
            return n == null ? Double.NaN : n.doubleValue();
        }).description(description).register(registry);
    }

    public void scrape(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
