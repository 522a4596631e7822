package dev.starling.app.loadbench;

/**
 * Ids in social's snowflake layout ({@code (unix millis << 16) | sequence}, see the
 * {@code snowflake_id} SQL function of migration V1) for rows written in time order. Up to 65,536
 * ids per millisecond; timestamps must not go backwards. The seeder only uses past timestamps,
 * so its ids never collide with those the server makes later for {@code now()}.
 */
final class SnowflakeIds {
    private long lastMillis = Long.MIN_VALUE;
    private int sequence;

    long next(long epochMillis) {
        if (epochMillis < 0 || epochMillis >= (1L << 47)) {
            throw new IllegalArgumentException("timestamp out of the snowflake range: " + epochMillis);
        }
        if (epochMillis < lastMillis) {
            throw new IllegalStateException("timestamps must not go backwards: " + epochMillis + " < " + lastMillis);
        }
        if (epochMillis == lastMillis) {
            if (++sequence > 0xFFFF) {
                throw new IllegalStateException("more than 65536 ids in millisecond " + epochMillis);
            }
        } else {
            lastMillis = epochMillis;
            sequence = 0;
        }
        return (epochMillis << 16) | sequence;
    }
}
