package dev.descent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.descent.train.RunDir;
import dev.descent.train.TrainListener;
import dev.descent.train.TrainResult;
import dev.descent.tune.MultiObjective;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.Trial;
import dev.descent.tune.TrialPrunedException;

/**
 * One tuning trial = one {@code train} run in {@code STUDY/trials/NNNN/}, with {@code reportsPerEpoch}
 * validations per epoch whose pruning metric is reported to the study (report k after
 * k/reportsPerEpoch epochs, whatever the batch size) so that the pruner can stop it; its values are
 * the study's metrics at the end (the validation ones on the whole validation set).
 */
final class TuneObjective implements MultiObjective {

    private final TrainingSession.Data data;
    private final List<String> base;
    private final Study study;
    private final Path dir;
    private final TuneObjectives objectives;
    private final int reportsPerEpoch;

    TuneObjective(TrainingSession.Data data, List<String> base, Study study, Path dir, TuneObjectives objectives, int reportsPerEpoch) {
        this.data = data;
        this.base = List.copyOf(base);
        this.study = study;
        this.dir = dir;
        this.objectives = objectives;
        this.reportsPerEpoch = reportsPerEpoch;
    }

    /** The run directory of trial {@code n}. */
    static Path trialDir(Path study, int n) {
        return study.resolve("trials").resolve(String.format(Locale.ROOT, "%04d", n));
    }

    /** The training command line of a trial with {@code trial}'s parameters. */
    static List<String> args(List<String> base, SearchSpace space, java.util.Map<String, Object> params) {
        List<String> args = new ArrayList<>(base);
        for (SearchSpace.Param p : space.params()) {
            if (params.containsKey(p.name())) {
                args.addAll(TrialOptions.override(p.name(), params.get(p.name())));
            }
        }
        return args;
    }

    @Override
    public double[] evaluate(Trial trial) {
        List<String> args = args(base, study.space(), trial.params());
        TrialOptions o = TrialOptions.parse(args, "trial " + trial.number() + ": ").check();
        int batches = Math.ceilDiv(data.train().size(), o.train.batchSize);
        int every = Math.max(1, batches / reportsPerEpoch);
        o.train.valFreq = every;
        o.train.logFreq = Integer.MAX_VALUE;
        Path run = trialDir(dir, trial.number());
        deleteTree(run); // what an interrupted attempt left
        List<String> argv = new ArrayList<>(args);
        argv.add("--out");
        argv.add(run.toString());
        boolean[] pruned = {false};
        // Reads the report's validation only. Only the scheduled validations are reports; the extra
        // one at an epoch's end is not.
        TrainListener pruning = TrainListener.watching((trainer, r) -> {
            if (r.validation() != null && r.step() % every == 0 && !pruned[0] && objectives.prunable()) {
                trial.report(r.step() / every, objectives.metrics().get(objectives.pruneOn()).of(r.validation()));
                if (trial.shouldPrune()) {
                    pruned[0] = true;
                    trainer.requestStop();
                }
            }
        });
        TrainingSession.Outcome out = TrainingSession.run(data, o.model, o.optimizer, o.optimizer.name(), o.schedule, o.train, RunDir.create(run),
                null, argv, List.of(pruning), new PrintWriter(Writer.nullWriter()));
        if (pruned[0]) {
            throw new TrialPrunedException("pruned after " + out.result().steps() + " steps");
        }
        if (out.result().reason() == TrainResult.Stop.INTERRUPTED) {
            study.abandon(); // Ctrl-C: the partial run must not count; a resume runs it again
            throw new IllegalStateException("interrupted");
        }
        return objectives.values(out);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }
}
