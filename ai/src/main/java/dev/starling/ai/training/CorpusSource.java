package dev.starling.ai.training;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/** Where a training job's posts come from: a file of one post per line, or the network's consented posts. */
public interface CorpusSource {

    /** For logs and the model card, e.g. "file posts.txt". */
    String describe();

    /**
     * Reads the corpus and splits it.
     *
     * @param cancelled polled now and then; when it turns true the read stops with a {@link java.util.concurrent.CancellationException}
     */
    CorpusSnapshot read(long seed, double validationFraction, BooleanSupplier cancelled) throws IOException;
}
