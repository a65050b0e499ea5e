package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.data.TensorDataset;
import dev.descent.io.Checkpoint;
import dev.descent.nn.Mlp;
import dev.descent.train.Evaluation;
import dev.descent.train.Evaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code descent eval}: a checkpoint's test loss, accuracy, per-class accuracy and confusion matrix. */
@Command(name = "eval", mixinStandardHelpOptions = true, abbreviateSynopsis = true, description = "Evaluate a checkpoint on the test set: loss, accuracy, per-class accuracy, confusion matrix.")
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model.safetensors (ours or a PyTorch state dict of the tutorial MLP)")
    Path modelFile;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "B", description = "evaluation batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Mixin
    DataSource data = new DataSource();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (batchSize < 1) {
            throw new BadInputException("--batch-size must be a positive integer, got " + batchSize);
        }
        if (!java.nio.file.Files.exists(modelFile)) {
            throw new BadInputException("--model " + modelFile + ": no such file");
        }
        Mlp model = Checkpoint.load(modelFile);
        TensorDataset test = data.loadTest(json ? new PrintWriter(java.io.Writer.nullWriter()) : out);
        int in = test.exampleNumel(), classes = test.numClasses();
        if (model.spec().inDim() != in || model.spec().outDim() != classes) {
            throw new BadInputException("--model " + modelFile + " is a " + TrainingSession.describe(model.spec()) + " (" + model.spec().inDim() + " inputs, "
                    + model.spec().outDim() + " outputs), which does not fit " + data.name() + " (" + in + " inputs, " + classes + " classes)");
        }
        Evaluation e = Evaluator.evaluate(model, test, batchSize);
        if (json) {
            ObjectNode o = TrainingSession.JSON.createObjectNode();
            o.put("model", modelFile.toString());
            o.put("dataset", data.name());
            o.put("examples", e.examples());
            o.put("test_loss", e.loss());
            o.put("test_accuracy", e.accuracy());
            o.set("per_class_accuracy", TrainingSession.JSON.valueToTree(e.perClassAccuracy()));
            o.set("worst_classes", TrainingSession.JSON.valueToTree(e.worstClasses(3)));
            o.set("confusion", TrainingSession.JSON.valueToTree(e.confusion()));
            out.println(TrainingSession.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            return 0;
        }
        out.printf(Locale.ROOT, "%s on %s test set (%,d examples)%n", TrainingSession.describe(model.spec()), data.name(), e.examples());
        out.printf(Locale.ROOT, "test loss %.4f, test accuracy %.2f%%%n", e.loss(), 100 * e.accuracy());
        printClasses(out, e);
        return 0;
    }

    static void printClasses(PrintWriter out, Evaluation e) {
        int[] support = e.classSupport();
        out.println("class  accuracy  support");
        for (int c = 0; c < support.length; c++) {
            out.printf(Locale.ROOT, "%5d  %7.2f%%  %7d%n", c, 100 * e.perClassAccuracy()[c], support[c]);
        }
        int[] worst = e.worstClasses(3);
        StringBuilder sb = new StringBuilder("worst classes:");
        for (int w : worst) {
            int[] row = e.confusion()[w].clone();
            row[w] = -1;
            int confused = 0;
            for (int p = 1; p < row.length; p++) {
                if (row[p] > row[confused]) {
                    confused = p;
                }
            }
            sb.append(String.format(Locale.ROOT, " %d (%.1f%%, most often taken for %d)", w, 100 * e.perClassAccuracy()[w], confused));
        }
        out.println(sb);
        out.println("confusion matrix (rows: true class, columns: predicted):");
        StringBuilder head = new StringBuilder("      ");
        for (int c = 0; c < support.length; c++) {
            head.append(String.format(Locale.ROOT, "%6d", c));
        }
        out.println(head);
        for (int r = 0; r < support.length; r++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%5d ", r));
            for (int c = 0; c < support.length; c++) {
                row.append(String.format(Locale.ROOT, "%6d", e.confusion()[r][c]));
            }
            out.println(row);
        }
    }
}
