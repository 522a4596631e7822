package dev.starling.app.loadbench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP/1.1 keep-alive connection of the load generator, over a plain blocking socket (a worker's platform thread, or the probe's caller): it
 * writes a request's bytes as given and reads the answer's status line, headers and body (by {@code Content-Length},
 * chunked, or to the end of the connection), keeping only the first bytes of the body when asked. The JDK's
 * {@code HttpClient} cost 0.18-0.28 ms of CPU per home request here (as much as the server's JVM, on the same cores);
 * this costs a small fraction of that, so the generator takes less of the machine it measures.
 *
 * <p>Plain {@code http} only. A read that waits longer than the timeout fails with {@code SocketTimeoutException}; any
 * failure closes the connection, and the next exchange opens a new one. The timeout is either the socket's own
 * ({@code SO_TIMEOUT}) or, for the load generator's platform threads, kept by a watchdog through
 * {@link #abortIfStuck}: a timed read on a socket costs a {@code poll} per read on a platform thread and a timer task
 * per read on a virtual one, which the generator paid on every request; a blocking read with no timeout is one
 * {@code read} system call. An answer on a reused connection that the
 * server had already closed (nothing read at all) is retried once on a new connection. Limits: status line and headers
 * at most {@value #MAX_HEAD_BYTES} bytes, a body at most {@value #MAX_BODY_BYTES} bytes.
 */
final class HttpConnection implements AutoCloseable {
    static final int MAX_HEAD_BYTES = 64 << 10;
    static final long MAX_BODY_BYTES = 256L << 20;

    /** The answer: its status and up to the asked number of the body's first bytes. */
    record Response(int status, byte[] bodyStart) {
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    /** False: no SO_TIMEOUT, a watchdog calls {@link #abortIfStuck} instead. */
    private final boolean socketTimeout;
    /** When the exchange in progress began ({@link System#nanoTime()}), 0 when idle, {@link #ABORTED} once aborted. */
    private final AtomicLong exchangeSinceNanos = new AtomicLong();
    private static final long ABORTED = Long.MIN_VALUE;
    /** The socket, for {@link #abortIfStuck} from another thread. */
    private volatile Socket live;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean used;
    // a home page (32 KB and its head) in one read
    private final byte[] buf = new byte[64 << 10];
    private int pos;
    private int lim;

    /** A connection whose reads time out by the socket's own timeout. */
    HttpConnection(URI base, int timeoutMillis) {
        this(base, timeoutMillis, true);
    }

    /**
     * {@code socketTimeout} false: connects within {@code timeoutMillis}, then reads without a socket timeout; the
     * owner must call {@link #abortIfStuck} (from any thread) to end an exchange that waits too long.
     */
    HttpConnection(URI base, int timeoutMillis, boolean socketTimeout) {
        if (!"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("the load generator speaks plain http://host:port only, got " + base);
        }
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.timeoutMillis = timeoutMillis;
        this.socketTimeout = socketTimeout;
    }

    /**
     * Called by a watchdog (any thread): when the exchange in progress began more than {@code timeoutNanos} before
     * {@code nowNanos}, closes the socket, and that exchange fails with {@code SocketTimeoutException}. True if it did.
     */
    boolean abortIfStuck(long nowNanos, long timeoutNanos) {
        long since = exchangeSinceNanos.get();
        if (since == 0 || since == ABORTED || nowNanos - since <= timeoutNanos) {
            return false;
        }
        Socket s = live; // read before the CAS: after it, the owner may already be on a new socket
        if (!exchangeSinceNanos.compareAndSet(since, ABORTED)) {
            return false;
        }
        if (s != null) {
            try {
                s.close(); // wakes the owner's blocked read
            } catch (IOException ignored) {
                // closed anyway
            }
        }
        return true;
    }

    /** The Host header's value for requests on this connection. */
    static String hostHeader(URI base) {
        return base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    }

    /** Sends {@code request} (a whole HTTP/1.1 request) and reads the answer. */
    Response exchange(byte[] request, int keepBodyBytes) throws IOException {
        if (!socketTimeout) {
            exchangeSinceNanos.set(System.nanoTime());
        }
        Response r;
        try {
            r = exchangeOnce(request, keepBodyBytes);
        } catch (IOException e) {
            if (!socketTimeout && exchangeSinceNanos.getAndSet(0) == ABORTED) {
                close();
                throw new SocketTimeoutException("no whole answer within " + timeoutMillis + " ms");
            }
            throw e;
        }
        if (!socketTimeout && exchangeSinceNanos.getAndSet(0) == ABORTED) {
            close(); // aborted just as it ended: the answer is whole, but the watchdog closed the socket
        }
        return r;
    }

    private Response exchangeOnce(byte[] request, int keepBodyBytes) throws IOException {
        boolean reused = socket != null && used;
        try {
            return once(request, keepBodyBytes);
        } catch (EOFException e) {
            close();
            if (reused && e.getMessage() != null && e.getMessage().startsWith(NOTHING_READ)) {
                return once(request, keepBodyBytes); // the server closed an idle kept-alive connection
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static final String NOTHING_READ = "connection closed before the answer";

    private Response once(byte[] request, int keepBodyBytes) throws IOException {
        if (socket == null) {
            connect();
        }
        used = true;
        out.write(request);
        out.flush();
        int headRead = 0;
        String statusLine = line(headRead, true);
        headRead += statusLine.length() + 2;
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("not an HTTP/1.x status line: " + cut(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine, 9, 12, 10);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad status in: " + cut(statusLine));
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        while (true) {
            String h = line(headRead, false);
            headRead += h.length() + 2;
            if (h.isEmpty()) {
                break;
            }
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                try {
                    contentLength = Long.parseLong(h.substring(15).strip());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length: " + cut(h));
                }
                if (contentLength < 0 || contentLength > MAX_BODY_BYTES) {
                    throw new ProtocolException("Content-Length " + contentLength + " is outside 0.." + MAX_BODY_BYTES);
                }
            } else if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
                chunked = h.substring(18).strip().toLowerCase(java.util.Locale.ROOT).endsWith("chunked");
            } else if (h.regionMatches(true, 0, "connection:", 0, 11)) {
                close |= h.substring(11).strip().equalsIgnoreCase("close");
            }
        }
        Body body = new Body(keepBodyBytes);
        if (status / 100 == 1 || status == 204 || status == 304) {
            // no body
        } else if (chunked) {
            while (true) {
                String size = line(0, false);
                int semi = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad chunk size: " + cut(size));
                }
                if (n < 0 || body.total + n > MAX_BODY_BYTES) {
                    throw new ProtocolException("chunked body over " + MAX_BODY_BYTES + " bytes");
                }
                if (n == 0) {
                    while (!line(0, false).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                read(n, body, false);
                if (!line(0, false).isEmpty()) {
                    throw new ProtocolException("a chunk did not end with CRLF");
                }
            }
        } else if (contentLength >= 0) {
            read(contentLength, body, false);
        } else {
            read(MAX_BODY_BYTES, body, true); // to the end of the connection
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(status, body.start());
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            if (socketTimeout) {
                s.connect(new InetSocketAddress(host, port), timeoutMillis);
                s.setSoTimeout(timeoutMillis);
            } else {
                // No timeout on connect either: a timed connect leaves the socket non-blocking for good, and every read
                // then costs a read, a poll and a second read (a quarter of the generator's CPU in JFR). The watchdog
                // ends a connect that hangs by closing the socket.
                live = s;
                s.connect(new InetSocketAddress(host, port));
            }
            socket = s;
            live = s;
            if (!socketTimeout && exchangeSinceNanos.get() == ABORTED) {
                throw new SocketTimeoutException("no whole answer within " + timeoutMillis + " ms");
            }
            in = s.getInputStream();
            out = new java.io.BufferedOutputStream(s.getOutputStream(), 8192);
            pos = lim = 0;
            used = false;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Fills the buffer when it is empty; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    /** One CRLF-terminated line (ISO-8859-1, without the CRLF); {@code headBytesBefore} bounds the head's size. */
    private String line(int headBytesBefore, boolean first) throws IOException {
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= lim) {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
                if (!fill()) {
                    throw new EOFException(first && sb.isEmpty() ? NOTHING_READ : "connection closed in the middle of an answer");
                }
                start = pos;
            }
            byte b = buf[pos++];
            if (b == '\n') {
                String tail = new String(buf, start, pos - 1 - start, StandardCharsets.ISO_8859_1);
                String s = sb == null ? tail : sb.append(tail).toString();
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (headBytesBefore + (sb == null ? 0 : sb.length()) + (pos - start) > MAX_HEAD_BYTES) {
                throw new ProtocolException("answer head longer than " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    /** Reads {@code n} body bytes, or up to {@code n} to the end of the stream when {@code toEnd}. */
    private void read(long n, Body body, boolean toEnd) throws IOException {
        long left = n;
        while (left > 0) {
            if (!fill()) {
                if (toEnd) {
                    return;
                }
                throw new EOFException("connection closed with " + left + " bytes of the body unread");
            }
            int take = (int) Math.min(left, lim - pos);
            body.add(buf, pos, take);
            pos += take;
            left -= take;
        }
    }

    private static String cut(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** The body's byte count and first bytes. */
    private static final class Body {
        private final byte[] start;
        private int kept;
        private long total;

        Body(int keep) {
            start = new byte[Math.max(0, keep)];
        }

        void add(byte[] b, int off, int len) {
            int k = Math.min(len, start.length - kept);
            if (k > 0) {
                System.arraycopy(b, off, start, kept, k);
                kept += k;
            }
            total += len;
        }

        byte[] start() {
            return kept == start.length ? start : java.util.Arrays.copyOf(start, kept);
        }
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        live = null;
        in = null;
        out = null;
        pos = lim = 0;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
