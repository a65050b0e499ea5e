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

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.bar = terminal;
    }

    @Override
    public void onStart(Trainer trainer) {
        if (bar) {
            pb = new ProgressBarBuilder().setTaskName("train").setInitialMax(trainer.totalSteps()).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250).continuousUpdate().build();
            pb.stepTo(trainer.step());
        }
    }

    @Override
    public void onStep(Trainer trainer, StepReport r) {
        if (pb != null) {
            pb.stepTo(r.step());
            pb.setExtraMessage(String.format(Locale.ROOT, "epoch %d | loss %.4f | acc %.3f | %,.0f ex/s", r.epoch(), r.loss(), r.accuracy(), r.examplesPerSecond()));
        }
    }

    @Override
    public void onLog(String line) {
        if (pb != null) {
            // Keep the bar on the last line: clear it, print, let it redraw.
            out.print("\r\u001b[2K");
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
