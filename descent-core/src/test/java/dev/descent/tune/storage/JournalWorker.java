package dev.descent.tune.storage;

import java.nio.file.Path;

import dev.descent.tune.Pruner;
import dev.descent.tune.RandomSampler;
import dev.descent.tune.Study;
import dev.descent.tune.Trial;

/** A process that asks for and tells {@code n} trials of the study in a directory (for the several-process test). */
public final class JournalWorker {

    private JournalWorker() {
    }

    /** args: study directory, trials to run, seed. */
    public static void main(String[] args) throws Exception {
        try (Study s = Study.open(Path.of(args[0]), new RandomSampler(Long.parseLong(args[2])), new Pruner.None())) {
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                Trial t = s.ask();
                double x = t.suggestFloat("x", -1, 1);
                t.report(1, x);
                s.tell(t, x * x);
            }
        }
    }
}
