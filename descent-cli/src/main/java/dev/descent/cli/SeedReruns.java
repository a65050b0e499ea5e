package dev.descent.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.IdxImages;
import dev.descent.train.Comparison;
import dev.descent.train.RunDir;

/**
 * A final configuration — a {@code train} command line, such as a study's best trial — re-run on
 * seeds {@code s, s+1, …} (each its own split, initial weights and batch order), so that
 * {@code tune} and {@code challenge} report the spread of what they found rather than one draw.
 */
final class SeedReruns {

    /** One configuration's runs. */
    record Runs(String name, long[] seeds, double[] testAccuracy, double[] testLoss, double[] valAccuracy, List<Path> dirs) {
    }

    private SeedReruns() {
    }

    /** Trains {@code args} once per seed into {@code dir/seed-S}, quietly, one progress line per run. */
    static Runs run(String name, IdxImages.TrainTest files, String dataName, List<String> args, long first, int seeds, Path dir, PrintWriter log) {
        long[] s = new long[seeds];
        double[] acc = new double[seeds], loss = new double[seeds], val = new double[seeds];
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            s[i] = first + i;
            List<String> a = new ArrayList<>(args);
            a.addAll(List.of("--seed", Long.toString(s[i])));
            TrialOptions o = TrialOptions.parse(a, name + ": ").check();
            o.train.logFreq = Integer.MAX_VALUE;
            Path d = dir.resolve("seed-" + s[i]);
            List<String> argv = new ArrayList<>(a);
            argv.addAll(List.of("--out", d.toString()));
            TrainingSession.Outcome out = TrainingSession.run(TrainingSession.split(files, dataName, o.train), o.model, o.optimizer, o.optimizer.name(),
                    o.schedule, o.train, RunDir.create(d), null, argv, List.of(), new PrintWriter(Writer.nullWriter()));
            acc[i] = out.test().accuracy();
            loss[i] = out.test().loss();
            val[i] = out.val() == null ? Double.NaN : out.val().accuracy();
            dirs.add(d);
            log.printf(Locale.ROOT, "  %s seed %d: test accuracy %.2f%% (loss %.4f)%n", name, s[i], 100 * acc[i], loss[i]);
            log.flush();
        }
        return new Runs(name, s, acc, loss, val, List.copyOf(dirs));
    }

    /** The test accuracy of every configuration compared ({@link Comparison}), printed one line each. */
    static Comparison.Metric report(List<Runs> runs, PrintWriter log) {
        Map<String, double[]> v = new LinkedHashMap<>();
        runs.forEach(r -> v.put(r.name(), r.testAccuracy()));
        Comparison.Metric m = Comparison.of("test_accuracy", Comparison.Better.HIGHER, v);
        int n = runs.get(0).seeds().length;
        log.printf(Locale.ROOT, "%ntest accuracy over %d seeds: mean ± std, 95%% CI of the mean (Student t, %d df)%s%n", n, n - 1,
                runs.size() > 1 ? (m.tested() ? ", Welch's t-test against the best" : ", no test with fewer than " + Comparison.MIN_SEEDS_FOR_TEST + " seeds") : "");
        for (Comparison.Entry e : m.entries()) {
            Comparison.Stats s = e.stats();
            String ci = Double.isNaN(s.ciLow()) ? "—" : String.format(Locale.ROOT, "[%.2f, %.2f]", 100 * s.ciLow(), 100 * s.ciHigh());
            String p = runs.size() < 2 ? "" : e.best() ? "best" : e.pValueVsBest() == null ? "—"
                    : "p " + CompareCommand.pValue(e.pValueVsBest()) + (e.significantlyWorse() ? " * significantly worse" : " (not significant)");
            log.printf(Locale.ROOT, "  %-12s %6.2f%% ± %s  %s  %s%n", e.name(), 100 * s.mean(), Double.isNaN(s.std()) ? "—" : String.format(Locale.ROOT, "%.2f", 100 * s.std()), ci, p);
        }
        return m;
    }

    /** Per-seed values and the aggregates, as compare.json shapes them. */
    static ArrayNode json(List<Runs> runs, Comparison.Metric m) {
        ArrayNode a = TrainingSession.JSON.createArrayNode();
        for (Runs r : runs) {
            ObjectNode o = a.addObject();
            o.put("name", r.name());
            ArrayNode s = o.putArray("seeds");
            for (int i = 0; i < r.seeds().length; i++) {
                ObjectNode x = s.addObject();
                x.put("seed", r.seeds()[i]);
                x.put("test_accuracy", r.testAccuracy()[i]);
                x.put("test_loss", r.testLoss()[i]);
                CompareCommand.putNumber(x, "val_accuracy", r.valAccuracy()[i]);
                x.put("run_dir", r.dirs().get(i).toString());
            }
            CompareCommand.aggregate(o.putObject("test_accuracy"), m.entry(r.name()));
        }
        return a;
    }
}
