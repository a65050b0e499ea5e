package dev.descent.analysis;

import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.descent.nn.Mlp;
import dev.descent.tensor.Generator;
import dev.descent.testing.Golden;
import dev.descent.train.Loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Hutchinson's trace, the spectral density by stochastic Lanczos quadrature, the warm-started top
 * eigenpair and per-layer blocks, held to the exact Hessians of the golden problems (PyTorch's
 * models and data) in float64.
 */
class SpectrumTest {

    /** A golden problem's curvature at its θ, with the exact dense Hessian and its eigenvalues. */
    private record Problem(MlpCurvature curvature, MlpCurvature.Point point, double[][] hessian, double[] eigenvalues) {
        double trace() {
            double t = 0;
            for (int i = 0; i < hessian.length; i++) {
                t += hessian[i][i];
            }
            return t;
        }

        /** The fraction of exact eigenvalues in [lo, hi]. */
        double fraction(double lo, double hi) {
            int k = 0;
            for (double e : eigenvalues) {
                if (e >= lo && e <= hi) {
                    k++;
                }
            }
            return (double) k / eigenvalues.length;
        }
    }

    private static Problem golden(String name) {
        JsonNode root = Golden.read(Golden.dir().resolve("analysis/" + name + ".json"));
        Mlp model = Golden.model(root);
        List<String> names = new java.util.ArrayList<>();
        if (root.has("param_order")) {
            root.get("param_order").forEach(n -> names.add(n.asText()));
        } else {
            root.get("params").fieldNames().forEachRemaining(names::add);
        }
        List<Double> theta = new java.util.ArrayList<>();
        for (String n : names) {
            for (double v : Golden.doubles(root.get("params").get(n).get("data"))) {
                theta.add(v);
            }
        }
        double[] th = theta.stream().mapToDouble(Double::doubleValue).toArray();
        MlpCurvature c = new MlpCurvature(model, Golden.doubles(root.get("inputs").get("data")), Golden.ints(root.get("targets")), Loss.NLL,
                MlpCurvature.Precision.FLOAT64);
        MlpCurvature.Point p = c.at(th);
        double[][] h = Hessians.dense(p.hessian(), c.size());
        return new Problem(c, p, h, SymmetricEigen.eigenvalues(h));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_hvp", "softmax_regression_hessian"})
    void hutchinsonsTraceIsWithinFivePercentOfTheExactTraceWithEnoughProbes(String name) {
        Problem p = golden(name);
        Hessians.TraceEstimate t = Hessians.hutchinson(p.point().hessian(), p.curvature().size(), 2000, new Generator(3));
        assertThat(t.trace()).isCloseTo(p.trace(), within(0.05 * Math.abs(p.trace())));
        // The reported standard error is honest: the estimate is within a few of them.
        assertThat(Math.abs(t.trace() - p.trace())).isLessThan(4 * t.standardError());
        assertThat(t.standardError()).isPositive();
        assertThat(t.probes()).isEqualTo(2000);
    }

    @Test
    void theLayersTracesSumToTheNetworksAndEachMatchesItsExactBlock() {
        Problem p = golden("mlp_hvp");
        double sum = 0;
        for (MlpCurvature.Block b : p.curvature().blocks()) {
            double exact = 0;
            for (int i = 0; i < b.length(); i++) {
                exact += p.hessian()[b.offset() + i][b.offset() + i];
            }
            Hessians.TraceEstimate t = Hessians.hutchinson(p.point().hessian(b), b.length(), 3000, new Generator(b.layer()));
            assertThat(t.trace()).as(b.name()).isCloseTo(exact, within(Math.max(0.05 * Math.abs(exact), 4 * t.standardError())));
            sum += exact;
        }
        assertThat(sum).isCloseTo(p.trace(), within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_hvp", "softmax_regression_hessian"})
    void stochasticLanczosQuadraturePutsTheDensitysMassWhereTheExactEigenvaluesAre(String name) {
        Problem p = golden(name);
        int n = p.curvature().size();
        double[] ev = p.eigenvalues();
        double lo = ev[0], hi = ev[n - 1];
        SpectralDensity d = SpectralDensity.estimate(p.point().hessian(), n, 40, 300, new Generator(8));
        // Lanczos finds the ends of the spectrum first.
        assertThat(d.max()).isCloseTo(hi, within(1e-6 * Math.abs(hi)));
        assertThat(d.min()).isCloseTo(lo, within(1e-6 * Math.max(Math.abs(lo), Math.abs(hi))));
        for (double[] w : d.weights()) {
            assertThat(java.util.Arrays.stream(w).sum()).isCloseTo(1, within(1e-9));
        }
        // The first moment is the mean eigenvalue tr(H)/n.
        assertThat(d.meanEigenvalue()).isCloseTo(p.trace() / n, within(0.05 * Math.abs(p.trace() / n)));
        // The estimated measure is close to the exact one, φ = (1/n)·Σ δ(t − λ_j): the Wasserstein-1
        // distance ∫|F_slq − F| dt is a small part of the spectrum's width ...
        assertThat(wasserstein(d, ev)).as("%s W1 / range", name).isLessThan(0.01 * (hi - lo));
        // ... the mass at zero (the null space and the near-zero cluster, ±1% of the range) and the
        // negative mass match the exact counts, and so does the mass of every fifth of the range.
        double band = 0.01 * (hi - lo);
        assertThat(d.mass(-band, band)).as("%s near zero", name).isCloseTo(p.fraction(-band, band), within(0.05));
        assertThat(d.mass(Double.NEGATIVE_INFINITY, -band)).as("%s negative", name).isCloseTo(p.fraction(Double.NEGATIVE_INFINITY, -band), within(0.05));
        for (int k = 0; k < 5; k++) {
            double a = lo + (hi - lo) * k / 5 - (k == 0 ? band : 0), b = lo + (hi - lo) * (k + 1) / 5 + (k == 4 ? band : 0);
            assertThat(d.mass(a, b)).as("%s mass in [%.3g, %.3g]", name, a, b).isCloseTo(p.fraction(a, b), within(0.1));
        }
        // The smoothed density integrates to 1.
        double[] grid = d.grid(4000);
        double sigma = (hi - lo) / 200;
        double[] phi = d.density(grid, sigma);
        double integral = 0;
        for (int i = 1; i < grid.length; i++) {
            integral += (phi[i] + phi[i - 1]) / 2 * (grid[i] - grid[i - 1]);
        }
        assertThat(integral).isCloseTo(1, within(0.02));
    }

    /** ∫|F_d(t) − F(t)| dt between the estimate's measure and the exact eigenvalues' (each of mass 1/n). */
    private static double wasserstein(SpectralDensity d, double[] exact) {
        List<double[]> atoms = new java.util.ArrayList<>();
        for (int p = 0; p < d.probes(); p++) {
            for (int i = 0; i < d.nodes()[p].length; i++) {
                atoms.add(new double[] {d.nodes()[p][i], d.weights()[p][i] / d.probes()});
            }
        }
        for (double e : exact) {
            atoms.add(new double[] {e, -1.0 / exact.length});
        }
        atoms.sort(java.util.Comparator.comparingDouble(a -> a[0]));
        double cdf = 0, w1 = 0;
        for (int i = 0; i + 1 < atoms.size(); i++) {
            cdf += atoms.get(i)[1];
            w1 += Math.abs(cdf) * (atoms.get(i + 1)[0] - atoms.get(i)[0]);
        }
        return w1;
    }

    @Test
    void withAsManyStepsAsDistinctEigenvaluesTheQuadratureIsExact() {
        Problem p = golden("mlp_hvp");
        int n = p.curvature().size();
        // The null space is one eigenvalue (0) to Lanczos: the Krylov space is invariant after fewer than n steps,
        // and then every node is an exact eigenvalue and the weights are the start vector's squared components.
        Lanczos.Quadrature q = Lanczos.quadrature(p.point().hessian(), Hessians.rademacher(n, new Generator(2)), n);
        double[] ev = p.eigenvalues();
        assertThat(q.nodes().length).isLessThan(n);
        for (double node : q.nodes()) {
            double nearest = java.util.Arrays.stream(ev).map(e -> Math.abs(e - node)).min().orElseThrow();
            assertThat(nearest).isLessThan(1e-8 * ev[n - 1]);
        }
        assertThat(java.util.Arrays.stream(q.weights()).sum()).isCloseTo(1, within(1e-12));
    }

    @Test
    void theWarmStartedTopEigenpairMatchesTheDenseOneAndStopsEarlyWhenWarm() {
        Problem p = golden("mlp_hvp");
        int n = p.curvature().size();
        double top = p.eigenvalues()[n - 1];
        double[] start = new double[n];
        Generator g = new Generator(4);
        for (int i = 0; i < n; i++) {
            start[i] = g.nextGaussian();
        }
        Lanczos.Eigenpair cold = Lanczos.largest(p.point().hessian(), start, 60, 1e-8);
        assertThat(cold.value()).isCloseTo(top, within(1e-9 * top));
        double[] hv = p.point().hvp(cold.vector());
        double res = 0;
        for (int i = 0; i < n; i++) {
            res += (hv[i] - cold.value() * cold.vector()[i]) * (hv[i] - cold.value() * cold.vector()[i]);
        }
        assertThat(Math.sqrt(res)).isLessThanOrEqualTo(1e-8 * top + 1e-12).isCloseTo(cold.residual(), within(1e-9 * top));
        assertThat(Lanczos.norm(cold.vector())).isCloseTo(1, within(1e-12));
        Lanczos.Eigenpair warm = Lanczos.largest(p.point().hessian(), cold.vector(), 60, 1e-6);
        assertThat(warm.value()).isCloseTo(top, within(1e-9 * top));
        assertThat(warm.products()).isLessThan(cold.products());
        assertThatThrownBy(() -> Lanczos.largest(p.point().hessian(), new double[n], 5, 1e-3)).hasMessageContaining("nonzero");
    }

    @Test
    void theDecompositionsVectorsAreEigenvectors() {
        double[][] a = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 1}};
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(a);
        for (int k = 0; k < 3; k++) {
            double[] v = d.vectors()[k];
            assertThat(Lanczos.norm(v)).isCloseTo(1, within(1e-12));
            for (int i = 0; i < 3; i++) {
                double av = 0;
                for (int j = 0; j < 3; j++) {
                    av += a[i][j] * v[j];
                }
                assertThat(av).isCloseTo(d.values()[k] * v[i], within(1e-12));
            }
        }
        assertThat(d.values()).isSorted();
    }

    @Test
    void theSpectrumReportsEveryPartAgainstTheExactHessian() {
        Problem p = golden("mlp_hvp");
        List<HessianSpectrum.Part> parts = HessianSpectrum.of(p.curvature(), p.point(), new HessianSpectrum.Settings(1500, 40, 20, 1));
        assertThat(parts).extracting(HessianSpectrum.Part::name).containsExactly("network", "main.0", "main.2", "main.4");
        assertThat(parts.get(0).top()).isCloseTo(p.eigenvalues()[p.eigenvalues().length - 1], within(1e-6));
        assertThat(parts.get(0).trace().trace()).isCloseTo(p.trace(), within(0.05 * Math.abs(p.trace())));
        for (int i = 1; i < parts.size(); i++) {
            MlpCurvature.Block b = p.curvature().blocks().get(i - 1);
            double[][] hb = new double[b.length()][b.length()];
            for (int r = 0; r < b.length(); r++) {
                for (int c = 0; c < b.length(); c++) {
                    hb[r][c] = p.hessian()[b.offset() + r][b.offset() + c];
                }
            }
            double[] eb = SymmetricEigen.eigenvalues(hb);
            assertThat(parts.get(i).parameters()).isEqualTo(b.length());
            assertThat(parts.get(i).top()).as(b.name()).isCloseTo(eb[eb.length - 1], within(1e-6 * Math.max(1, eb[eb.length - 1])));
            assertThat(parts.get(i).density().max()).isCloseTo(eb[eb.length - 1], within(1e-6 * Math.max(1, eb[eb.length - 1])));
        }
        assertThatThrownBy(() -> new HessianSpectrum.Settings(1, 10, 1, 0)).hasMessageContaining("2 probes");
    }

    @Test
    void aDiagonalOperatorsDensityIsExact() {
        // 0 (twice), 1, 5: the quadrature of a Rademacher probe weighs each eigenvector by its (qᵀu)² = 1/n.
        double[] d = {0, 0, 1, 5};
        UnaryOperator<double[]> op = v -> new double[] {d[0] * v[0], d[1] * v[1], d[2] * v[2], d[3] * v[3]};
        SpectralDensity s = SpectralDensity.estimate(op, 4, 4, 3, new Generator(1));
        assertThat(s.mass(-0.1, 0.1)).isCloseTo(0.5, within(1e-12));
        assertThat(s.mass(0.9, 1.1)).isCloseTo(0.25, within(1e-12));
        assertThat(s.mass(4.9, 5.1)).isCloseTo(0.25, within(1e-12));
        assertThat(s.meanEigenvalue()).isCloseTo(1.5, within(1e-12));
    }
}
