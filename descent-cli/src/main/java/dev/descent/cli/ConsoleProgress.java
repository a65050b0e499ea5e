package dev.descent.cli;

import java.io.PrintWriter;
import java.util.Locale;

import dev.descent.train.TrainListener;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run: the tutorial's [TRAIN]/[VALID] lines always; on a terminal also a progress bar with
 * epoch, step, loss, accuracy, examples/s and ETA.
 */
final class ConsoleProgress implements TrainListener {

    private final PrintWriter out;
    private final boolean bar;
    private ProgressBar pb;
    private long total;
    private long startNanos;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.bar = terminal;
    }

    /** Reads the report, the history and the trainer's counters only. */
    @Override
    public boolean readsModel(StepReport report) {
        return false;
    }

    @Override
    public void onStart(Trainer trainer) {
        if (bar) {
            total = trainer.totalSteps();
            startNanos = System.nanoTime();
            open(trainer.step());
        }
    }

    /** A bar continuing from {@code step}, keeping the elapsed time so that the ETA stays right. */
    private void open(long step) {
        pb = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(250).continuousUpdate()
                .startsFrom(step, java.time.Duration.ofNanos(System.nanoTime() - startNanos)).build();
    }

    @Override
    public void onStep(Trainer trainer, StepReport r) {
        if (bar && pb == null) {
            open(r.step());
        }
        if (pb != null) {
            pb.stepTo(r.step());
            pb.setExtraMessage(String.format(Locale.ROOT, "epoch %d | loss %.4f | acc %.3f | %,.0f ex/s", r.epoch(), r.loss(), r.accuracy(), r.examplesPerSecond()));
        }
    }

    @Override
    public void onLog(String line) {
        if (pb != null) {
            // The bar redraws its own line with cursor movements, which would overwrite lines printed
            // in between: finish it, print, and open a new one at the next step.
            pb.close();
            pb = null;
        }
        out.println(line);
        out.flush();
    }

    @Override
    public void onEnd(Trainer trainer, TrainResult result) {
        if (pb != null) {
            pb.close();
        }
    }
}
