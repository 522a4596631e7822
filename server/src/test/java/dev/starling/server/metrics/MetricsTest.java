package dev.starling.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Request timers: one per (method, route, status), found again for later requests, counted and timed in the scrape. */
class MetricsTest {

    @Test
    void requestsOfOneRouteAndStatusShareATimer() {
        Metrics metrics = new Metrics();
        metrics.recordRequest("GET", "/api/v1/timelines/home", 200, 1.5f);
        metrics.recordRequest("GET", "/api/v1/timelines/home", 200, 2.5f);
        metrics.recordRequest("GET", "/api/v1/timelines/home", 401, 0.5f);
        metrics.recordRequest("POST", "/api/v1/statuses", 200, 10f);

        Timer ok = metrics.registry().find("http.server.requests").tags("method", "GET", "uri", "/api/v1/timelines/home", "status", "200").timer();
        Timer unauthorized = metrics.registry().find("http.server.requests").tags("method", "GET", "uri", "/api/v1/timelines/home", "status", "401").timer();
        assertEquals(2, ok.count());
        assertEquals(4.0, ok.totalTime(TimeUnit.MILLISECONDS), 1e-6);
        assertEquals(1, unauthorized.count());
        assertEquals(3, metrics.registry().find("http.server.requests").timers().size());
        assertSame(ok, metrics.requestTimer("GET", "/api/v1/timelines/home", 200));
        assertNotSame(ok, metrics.requestTimer("GET", "/api/v1/timelines/home", 401));

        String scrape = metrics.registry().scrape();
        assertTrue(scrape.contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/api/v1/timelines/home\"} 2"), scrape);
        assertTrue(scrape.contains("http_server_requests_seconds_count{method=\"POST\",status=\"200\",uri=\"/api/v1/statuses\"} 1"), scrape);
    }

    @Test
    void beyondTheCachedKeysRequestsAreStillCounted() {
        Metrics metrics = new Metrics();
        int routes = Metrics.MAX_CACHED_TIMERS + 10;
        for (int i = 0; i < routes; i++) {
            metrics.recordRequest("GET", "/r/" + i, 200, 1f);
        }
        metrics.recordRequest("GET", "/r/" + (routes - 1), 200, 1f);
        assertEquals(routes, metrics.registry().find("http.server.requests").timers().size());
        assertEquals(2, metrics.registry().find("http.server.requests").tags("uri", "/r/" + (routes - 1)).timer().count());
    }
}
