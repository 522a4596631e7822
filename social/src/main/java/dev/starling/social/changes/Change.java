package dev.starling.social.changes;

/** One committed change; the numbers' meaning depends on the {@link Kind}. */
public record Change(Kind kind, long first, long second, long third) {

    public static final Change RESET = new Change(Kind.RESET, 0, 0, 0);
}
