package dev.starling.llm.train.data;

import java.io.IOException;

/** A token shard that is not in the format it claims: the message names the file and the offset. */
public final class TokenShardException extends IOException {
    public TokenShardException(String message) {
        super(message);
    }
}
