package dev.starling.app.loadbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's HTTP/1.1 connection against a raw server socket on port 0 that answers each request with the next
 * scripted answer: fixed-length, chunked, and connection-closing bodies, keep-alive reuse, a server that closes an
 * idle connection, and answers that break the limits.
 */
class HttpConnectionTest {
    private ServerSocket server;
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    /** Close each connection after this many answers (0: keep it). */
    private volatile int closeAfter;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int served = 0;
            while (true) {
                // read one request head (the tests send no bodies)
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                out.write(answers.get(next.getAndIncrement() % answers.size()).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (closeAfter > 0 && ++served >= closeAfter) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private HttpConnection connection() {
        return new HttpConnection(URI.create("http://127.0.0.1:" + server.getLocalPort()), 2000);
    }

    private static final byte[] GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void readsFixedAndChunkedBodiesOnOneKeptConnection() throws IOException {
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
        answers.add("HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n4\r\ndefg\r\n0\r\nTrailer: t\r\n\r\n");
        answers.add("HTTP/1.1 204 No Content\r\n\r\n");
        try (HttpConnection c = connection()) {
            HttpConnection.Response a = c.exchange(GET, 100);
            assertEquals(200, a.status());
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), a.bodyStart());
            HttpConnection.Response b = c.exchange(GET, 5);
            assertEquals(201, b.status());
            assertArrayEquals("abcde".getBytes(StandardCharsets.US_ASCII), b.bodyStart(), "the first 5 bytes across chunks");
            assertEquals(204, c.exchange(GET, 10).status());
            assertEquals(200, c.exchange(GET, 0).status(), "the fourth answer comes after the third on the same connection");
        }
        assertEquals(1, connections.get(), "one kept-alive connection");
    }

    @Test
    void aBodyToTheEndOfTheConnectionAndConnectionCloseOpenANewOne() throws IOException {
        answers.add("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
        closeAfter = 1;
        try (HttpConnection c = connection()) {
            assertArrayEquals("until the end".getBytes(StandardCharsets.US_ASCII), c.exchange(GET, 100).bodyStart());
            assertArrayEquals("until the end".getBytes(StandardCharsets.US_ASCII), c.exchange(GET, 100).bodyStart());
        }
        assertEquals(2, connections.get());
    }

    @Test
    void aKeptConnectionTheServerClosedIsRetriedOnceOnANewOne() throws IOException {
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        closeAfter = 1; // the server closes after each answer without saying so
        try (HttpConnection c = connection()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, c.exchange(GET, 0).status());
            }
        }
        assertEquals(3, connections.get());
    }

    @Test
    void malformedOrOversizedAnswersFailWithAReason() {
        answers.add("SPDY/3 200 OK\r\n\r\n");
        ProtocolException e = assertThrows(ProtocolException.class, () -> {
            try (HttpConnection c = connection()) {
                c.exchange(GET, 0);
            }
        });
        assertTrue(e.getMessage().contains("status line"), e.getMessage());
        answers.set(0, "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(HttpConnection.MAX_HEAD_BYTES) + "\r\n\r\n");
        e = assertThrows(ProtocolException.class, () -> {
            try (HttpConnection c = connection()) {
                c.exchange(GET, 0);
            }
        });
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        answers.set(0, "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n");
        e = assertThrows(ProtocolException.class, () -> {
            try (HttpConnection c = connection()) {
                c.exchange(GET, 0);
            }
        });
        assertTrue(e.getMessage().contains("Content-Length"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HttpConnection(URI.create("https://127.0.0.1:1"), 1000));
    }
}
