package dev.starling.server.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.starling.server.RouteModule;
import dev.starling.server.testing.Api;
import dev.starling.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping the server lets a request in flight finish, and then refuses new connections. */
class GracefulStopTest {
    @Test
    void aRequestInFlightFinishesDuringStop() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        RouteModule slow = routes -> routes.get("/test/slow", ctx -> {
            entered.countDown();
            Thread.sleep(1500);
            ctx.json(Map.of("done", true));
        });
        TestServer server = TestServer.start(TestServer.generousLimits(), List.of(slow));
        Api api = server.api;
        CompletableFuture<Api.Reply> inFlight = CompletableFuture.supplyAsync(() -> api.get("/test/slow", null));
        entered.await(10, TimeUnit.SECONDS);
        server.close();
        Api.Reply reply = inFlight.get(20, TimeUnit.SECONDS);
        assertEquals(200, reply.status(), reply.body());
        assertThrows(RuntimeException.class, () -> api.get("/health", null), "stopped servers accept nothing");
    }
}
