package dev.starling.ai.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.Node;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The state of one render on the current thread: its budget (node evaluations and wall time, checked before
 * every node Jinjava renders, loop bodies included), its clock for {@code strftime_now}, and the first reason
 * it had to stop. Jinjava turns most exceptions into soft errors and carries on; the guard remembers the
 * reason and keeps refusing every following node, so a stopped render ends quickly and is reported as failed.
 */
final class RenderGuard {

    private static final ThreadLocal<RenderGuard> CURRENT = new ThreadLocal<>();

    private final long maxNodeRenders;
    private final long deadlineNanos;
    private final long maxRenderMillis;
    private final Clock clock;
    private long nodeRenders;
    private String stopReason;

    private RenderGuard(ChatTemplateLimits limits, Clock clock) {
        this.maxNodeRenders = limits.maxNodeRenders();
        this.maxRenderMillis = limits.maxRenderMillis();
        this.deadlineNanos = System.nanoTime() + limits.maxRenderMillis() * 1_000_000L;
        this.clock = clock;
    }

    /** Thrown to stop a render; the reason is kept in the guard as well. */
    static final class StopRender extends RuntimeException {
        StopRender(String message) {
            super(message, null, false, false);
        }
    }

    static RenderGuard enter(ChatTemplateLimits limits, Clock clock) {
        RenderGuard guard = new RenderGuard(limits, clock);
        CURRENT.set(guard);
        return guard;
    }

    void exit() {
        CURRENT.remove();
    }

    String stopReason() {
        return stopReason;
    }

    long nodeRenders() {
        return nodeRenders;
    }

    private void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        throw new StopRender(stopReason);
    }

    /** Jinjava's node pre-processor: called before each node (text, expression, tag) is rendered. */
    static void beforeNode(Node node, JinjavaInterpreter interpreter) {
        RenderGuard guard = CURRENT.get();
        if (guard == null) {
            return;
        }
        if (guard.stopReason != null) {
            throw new StopRender(guard.stopReason);
        }
        if (++guard.nodeRenders > guard.maxNodeRenders) {
            guard.stop("template evaluated more than " + guard.maxNodeRenders + " nodes (line " + node.getLineNumber()
                    + "): loop too long");
        }
        if ((guard.nodeRenders & 63) == 0 && System.nanoTime() - guard.deadlineNanos > 0) {
            guard.stop("template render took longer than " + guard.maxRenderMillis + " ms (line "
                    + node.getLineNumber() + ")");
        }
    }

    /** {@code raise_exception(message)}: the template's own way to reject a conversation. */
    public static String raiseException(Object message) {
        String text = "template raised an exception: " + message;
        RenderGuard guard = CURRENT.get();
        if (guard != null) {
            guard.stop(text);
        }
        throw new StopRender(text);
    }

    /** {@code strftime_now(format)}: the current date/time of the render's clock, Python strftime format. */
    public static String strftimeNow(String format) {
        RenderGuard guard = CURRENT.get();
        Clock clock = guard == null ? Clock.systemUTC() : guard.clock;
        return StrftimeFormatter.format(ZonedDateTime.now(clock), format == null ? "" : format, Locale.US);
    }
}
