package dev.descent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import dev.descent.analysis.Conditioning;
import dev.descent.analysis.LinearModelSurface;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import picocli.CommandLine.Option;

/** The knobs of the two-weight surface shared by the conditioning, momentum and adaptive topics. */
final class SurfaceOptions {

    @Option(names = "--pixel", paramLabel = "P", description = "the input (pixel index) whose two weights vary (default: the image centre)")
    Integer pixel;

    @Option(names = "--classes", split = ",", defaultValue = "0,1", paramLabel = "A,B", description = "the two classes whose weights of that pixel vary (default: ${DEFAULT-VALUE})")
    List<Integer> classes;

    @Option(names = "--examples", defaultValue = "10000", paramLabel = "N", description = "training images in the loss (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--grid", defaultValue = "61", paramLabel = "N", description = "contour grid points per axis (default: ${DEFAULT-VALUE})")
    int grid;

    void validate() {
        if (classes.size() != 2 || classes.get(0).equals(classes.get(1))) {
            throw new BadInputException("--classes takes two different classes A,B, got " + classes);
        }
        if (examples < 1) {
            throw new BadInputException("--examples must be positive, got " + examples);
        }
        if (grid < 5 || grid > 501) {
            throw new BadInputException("--grid must be in 5..501, got " + grid);
        }
        if (pixel != null && pixel < 0) {
            throw new BadInputException("--pixel must be >= 0, got " + pixel);
        }
    }

    /** The surface of the seeded initial linear model at factor 1. */
    LinearModelSurface build(TensorDataset trainSet, long seed, PrintWriter out) {
        TensorDataset train = ExploreCommand.subset(trainSet, examples).flattened();
        int in = train.exampleNumel(), k = train.numClasses();
        int[] shape = trainSet.exampleShape();
        int p = pixel != null ? pixel : shape.length >= 2 ? (shape[shape.length - 2] / 2) * shape[shape.length - 1] + shape[shape.length - 1] / 2 : in / 2;
        if (p >= in) {
            throw new BadInputException("--pixel " + p + " is outside the image (" + in + " inputs)");
        }
        for (int c : classes) {
            if (c < 0 || c >= k) {
                throw new BadInputException("--classes: " + c + " is not a class of this data set (0.." + (k - 1) + ")");
            }
        }
        out.printf(Locale.ROOT, "two-weight problem: weights of pixel %d for classes %d (a) and %d (u); the other %,d weights fixed at the seeded initialisation; %,d examples%n",
                p, classes.get(0), classes.get(1), in * k + k - 2, train.size());
        LinearModelSurface s = Conditioning.normalised(LinearModelSurface.of(train, Mlp.of(in, List.of(), k, seed), p, classes.get(0), classes.get(1), 1));
        out.printf(Locale.ROOT, "units: w_A = %.4g·a and w_B = %.4g·factor·u, so that both axes have unit curvature at the minimum when factor = 1%n",
                s.scales()[0], s.scales()[1]);
        return s;
    }

    /** The least-squares slope of log y against log x (NaN pairs and x ≤ 2 left out: κ ≈ 1 has no slope to show). */
    static double logSlope(List<Double> x, List<Double> y) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int i = 0; i < x.size(); i++) {
            if (x.get(i) > 2 && y.get(i) > 0 && Double.isFinite(y.get(i))) {
                double lx = Math.log(x.get(i)), ly = Math.log(y.get(i));
                sx += lx;
                sy += ly;
                sxx += lx * lx;
                sxy += lx * ly;
                n++;
            }
        }
        return n < 2 ? Double.NaN : (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
}
