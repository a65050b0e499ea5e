package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.GdVersusRandomSearch;
import dev.descent.data.IdxImages;
import dev.descent.data.TensorDataset;
import dev.descent.plot.Charts;
import dev.descent.train.RunDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent explore <topic>}: the optimization tutorial's experiments, each printing a short
 * table with its finding and writing PNG+SVG figures and a {@code result.json}.
 */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = "The tutorial's experiments, reproducible from one command: figures, a table and the finding.",
        subcommands = {ExploreGdVsRandom.class, ExploreConditioning.class, ExploreMomentum.class, ExploreAdaptive.class, ExploreNonconvex.class, ExploreMinibatch.class, ExploreSharpness.class, ExploreCurvature.class, ExploreAll.class})
public final class ExploreCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The first {@code n} examples (all when n is larger). */
    static TensorDataset subset(TensorDataset ds, int n) {
        if (n >= ds.size()) {
            return ds;
        }
        int row = ds.exampleNumel();
        int[] shape = ds.inputs().shape();
        shape[0] = n;
        float[] x = java.util.Arrays.copyOf(ds.inputs().data(), n * row);
        return new TensorDataset(dev.descent.tensor.Tensor.of(x, shape), java.util.Arrays.copyOf(ds.labels(), n), ds.numClasses());
    }
}
