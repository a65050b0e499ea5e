package dev.descent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.nn.MlpSpec;
import picocli.CommandLine.Option;

/** The MLP part of an explore topic: its size, data, batch, epochs and learning rate. */
final class MlpKnobs {

    @Option(names = "--mlp-hidden", defaultValue = "200,100,50", paramLabel = "H1,H2", description = "the MLP's hidden sizes (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--mlp-examples", defaultValue = "20000", paramLabel = "N", description = "training images for the MLP (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--mlp-epochs", defaultValue = "1", paramLabel = "N", description = "epochs of MLP training (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--mlp-batch-size", defaultValue = "64", paramLabel = "N", description = "the MLP's batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--mlp-lr", defaultValue = "0.01", paramLabel = "LR", description = "the MLP's learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    void validate() {
        hidden();
        if (examples < 1 || epochs < 1 || batchSize < 1) {
            throw new BadInputException("--mlp-examples, --mlp-epochs and --mlp-batch-size must be positive");
        }
        ExploreTopic.positive("--mlp-lr", lr);
    }

    List<Integer> hidden() {
        return ModelOptions.parseHidden("--mlp-hidden", hidden);
    }

    String describe(MlpSpec spec) {
        StringBuilder b = new StringBuilder().append(spec.inDim());
        for (int h : spec.hiddenDims()) {
            b.append('-').append(h);
        }
        return b.append('-').append(spec.outDim()).toString();
    }

    /** Prints and records the runs' table; returns the JSON rows in the runs' order. */
    ArrayNode report(List<ExploreTraining.Run> runs, PrintWriter out, ObjectNode result) {
        out.printf(Locale.ROOT, "%-22s %16s %10s %9s%n", "optimizer", "final train loss", "test acc", "time (s)");
        ArrayNode rows = result.putArray("mlp");
        for (ExploreTraining.Run r : runs) {
            out.printf(Locale.ROOT, "%-22s %16.4f %9.2f%% %9.1f%n", r.name(), r.finalTrainLoss(), 100 * r.test().accuracy(), r.result().trainSeconds());
            ObjectNode o = rows.addObject();
            o.put("optimizer", r.name());
            o.put("final_train_loss", r.finalTrainLoss());
            o.put("test_accuracy", r.test().accuracy());
            o.put("train_seconds", r.result().trainSeconds());
            o.put("stop", r.result().reason().name().toLowerCase(Locale.ROOT));
        }
        return rows;
    }
}
