package dev.descent.cli;

import java.io.IOException;

/** One side of {@code descent bench} (Descent itself, or a peer), driven one epoch at a time so the sides can interleave. */
interface BenchSide extends AutoCloseable {

    /** The name in the table ("Descent", "PyTorch", "DJL"). */
    String name();

    /** A fresh model, optimizer and loader for this batch size. */
    void batch(int batchSize) throws IOException;

    /** Trains one epoch. */
    Epoch epoch() throws IOException;

    /** One epoch: wall-clock seconds and the mean of its batch losses (the sides train the same model, so these agree closely). */
    record Epoch(double seconds, double meanLoss) {
    }

    @Override
    void close();
}
