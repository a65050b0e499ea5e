package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.descent.tensor.Generator;

/**
 * More of the Hessian than its top eigenvalue, for the whole network and for each layer's diagonal
 * block H_ll (the curvature along that layer's weights and bias with the others held fixed, which
 * PyHessian's users ask for): λ_max by Lanczos, the trace by Hutchinson's estimator with its standard
 * error, and the eigenvalue density by stochastic Lanczos quadrature. The layers' traces sum to the
 * network's (tr H = Σ_l tr H_ll); their densities are each over their own parameters.
 */
public final class HessianSpectrum {

    /**
     * How much to spend.
     *
     * @param traceProbes       Rademacher probes of the trace estimate, per part
     * @param densityIterations Lanczos steps per density probe (PyHessian: 100)
     * @param densityProbes     density probes per part (PyHessian: 1)
     * @param seed              the probes
     */
    public record Settings(int traceProbes, int densityIterations, int densityProbes, long seed) {
        /** Validates every setting. */
        public Settings {
            if (traceProbes < 2) {
                throw new IllegalArgumentException("spectrum: the trace needs at least 2 probes (for its standard error), got " + traceProbes);
            }
            if (densityIterations < 2 || densityProbes < 1) {
                throw new IllegalArgumentException("spectrum: the density needs at least 2 Lanczos steps and 1 probe, got " + densityIterations + " and " + densityProbes);
            }
        }
    }

    /**
     * The spectrum of one part.
     *
     * @param name       {@code network} or the layer's module name ({@code main.0}, …)
     * @param parameters its dimension
     * @param top        λ_max of its Hessian (block)
     */
    public record Part(String name, int parameters, double top, Hessians.TraceEstimate trace, SpectralDensity density) {
    }

    private HessianSpectrum() {
    }

    /** The whole network first, then each layer, at one point of the loss surface. */
    public static List<Part> of(MlpCurvature curvature, MlpCurvature.Point point, Settings s) {
        List<Part> out = new ArrayList<>();
        out.add(part("network", point.hessian(), curvature.size(), s, 0));
        int k = 1;
        for (MlpCurvature.Block b : curvature.blocks()) {
            out.add(part(b.name(), point.hessian(b), b.length(), s, k++));
        }
        return out;
    }

    private static Part part(String name, UnaryOperator<double[]> op, int n, Settings s, int index) {
        // Each part draws from its own stream, so adding a layer does not change the others' probes.
        Generator g = new Generator(s.seed() * 1_000_003L + index);
        Hessians.TraceEstimate tr = Hessians.hutchinson(op, n, s.traceProbes(), g);
        SpectralDensity d = SpectralDensity.estimate(op, n, s.densityIterations(), s.densityProbes(), g);
        double[] start = Hessians.rademacher(n, g);
        double top = Lanczos.largest(op, start, Math.max(s.densityIterations(), 3), 1e-4).value();
        return new Part(name, n, top, tr, d);
    }
}
