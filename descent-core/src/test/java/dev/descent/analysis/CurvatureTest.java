package dev.descent.analysis;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.descent.nn.Activation;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;
import dev.descent.train.Loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exact Hessian-vector products, eigenvalues and condition numbers against PyTorch, and Lanczos. */
class CurvatureTest {

    /** θ in param_order from the golden file's float64 values (not rounded through float32). */
    private static double[] theta(JsonNode root) {
        JsonNode order = root.get("param_order");
        java.util.List<String> names = new java.util.ArrayList<>();
        if (order != null) {
            order.forEach(n -> names.add(n.asText()));
        } else {
            root.get("params").fieldNames().forEachRemaining(names::add);
        }
        int total = 0;
        for (String n : names) {
            total += root.get("params").get(n).get("data").size();
        }
        double[] t = new double[total];
        int off = 0;
        for (String n : names) {
            for (JsonNode v : root.get("params").get(n).get("data")) {
                t[off++] = v.asDouble();
            }
        }
        return t;
    }

    /** The golden inputs as float64 rows. */
    private static double[][] rows(JsonNode t) {
        int n = t.get("shape").get(0).asInt(), d = t.get("shape").get(1).asInt();
        double[] flat = Golden.doubles(t.get("data"));
        double[][] r = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, r[i], 0, d);
        }
        return r;
    }

    @Test
    void hessianVectorProductMatchesPyTorch() {
        JsonNode root = Golden.read(Golden.dir().resolve("analysis/mlp_hvp.json"));
        Golden.assertMapped("mlp_hvp", root, "model", "params", "inputs", "targets", "param_order", "v", "hv", "note");
        Mlp model = Golden.model(root);
        MlpCurvature c = new MlpCurvature(model, rows(root.get("inputs")), Golden.ints(root.get("targets")));
        double[] hv = c.hvp(theta(root), Golden.doubles(root.get("v").get("data")));
        double[] expected = Golden.doubles(root.get("hv").get("data"));
        float[] got = new float[hv.length];
        for (int i = 0; i < hv.length; i++) {
            got[i] = (float) hv[i];
        }
        Golden.assertClose("hv", got, expected);
        for (int i = 0; i < hv.length; i++) {
            assertThat(hv[i]).as("hv[%d] in float64", i).isCloseTo(expected[i], within(1e-9 + 1e-6 * Math.abs(expected[i])));
        }
    }

    @Test
    void softmaxRegressionHessianEigenvaluesAndConditionNumberMatchPyTorch() {
        JsonNode root = Golden.read(Golden.dir().resolve("analysis/softmax_regression_hessian.json"));
        Golden.assertMapped("softmax_regression_hessian", root, "model", "params", "inputs", "targets", "hessian", "eigenvalues", "condition_number", "note");
        Mlp model = Golden.model(root);
        MlpCurvature c = new MlpCurvature(model, rows(root.get("inputs")), Golden.ints(root.get("targets")));
        double[] th = theta(root);
        double[][] h = Hessians.dense(v -> c.hvp(th, v), c.size());
        double[] flat = Golden.doubles(root.get("hessian").get("data"));
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h.length; j++) {
                double e = flat[i * h.length + j];
                assertThat(h[i][j]).as("H[%d][%d]", i, j).isCloseTo(e, within(1e-10 + 1e-7 * Math.abs(e)));
            }
        }
        double[] ev = SymmetricEigen.eigenvalues(h);
        double[] expected = Golden.doubles(root.get("eigenvalues"));
        for (int i = 0; i < ev.length; i++) {
            assertThat(ev[i]).as("eigenvalue %d", i).isCloseTo(expected[i], within(1e-8 + 1e-6 * Math.abs(expected[i])));
        }
        double kappa = Hessians.conditionNumber(ev, 1e-10);
        double want = root.get("condition_number").asDouble();
        assertThat(kappa).isCloseTo(want, within(1e-6 * want));
    }

    @Test
    void lanczosFindsTheExtremesOfAKnownSpectrum() {
        int n = 60;
        Generator g = new Generator(4);
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = -2 + 0.1 * i;
        }
        spectrum[n - 1] = 50;
        spectrum[n - 2] = 30;
        spectrum[0] = -10;
        double[][] q = randomOrthogonal(n, g);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i][k] * spectrum[k] * q[j][k];
                }
                a[i][j] = s;
            }
        }
        java.util.function.UnaryOperator<double[]> op = v -> {
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    r[i] += a[i][j] * v[j];
                }
            }
            return r;
        };
        double[] top = Lanczos.top(op, n, 30, 2, new Generator(9));
        assertThat(top[0]).isCloseTo(50, within(1e-8));
        assertThat(top[1]).isCloseTo(30, within(1e-8));
        double[] ritz = Lanczos.ritzValues(op, n, 30, new Generator(9));
        assertThat(ritz[0]).isCloseTo(-10, within(1e-6));
        assertThat(SymmetricEigen.eigenvalues(a)[n - 1]).isCloseTo(50, within(1e-9));
    }

    private static double[][] randomOrthogonal(int n, Generator g) {
        double[][] q = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = g.nextGaussian();
            }
            for (int p = 0; p < c; p++) {
                double d = 0;
                for (int i = 0; i < n; i++) {
                    d += v[i] * q[i][p];
                }
                for (int i = 0; i < n; i++) {
                    v[i] -= d * q[i][p];
                }
            }
            double norm = Math.sqrt(Lanczos.dot(v, v));
            for (int i = 0; i < n; i++) {
                q[i][c] = v[i] / norm;
            }
        }
        return q;
    }

    /** Every activation with every loss (random inputs keep ReLU's pre-activations away from its kink at ±ε·v). */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> activationsAndLosses() {
        List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
        for (Activation a : Activation.values()) {
            for (Loss l : Loss.values()) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(a, l));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("activationsAndLosses")
    void gradientMatchesAutogradAndTheHvpMatchesFiniteDifferencesOfTheGradient(Activation act, Loss loss) {
        Generator g = new Generator(act.ordinal() * 10L + loss.ordinal());
        Mlp model = new Mlp(new MlpSpec(5, List.of(4, 3), 3, true, act), g);
        Tensor x = Tensor.randn(g, 7, 5);
        int[] y = {0, 1, 2, 1, 0, 2, 2};
        MlpCurvature c = new MlpCurvature(model, x, y, loss, MlpCurvature.Precision.FLOAT64);
        double[] th = MlpCurvature.flatten(model);

        loss.mean(loss.output(model, x), y, null).backward();
        MlpCurvature.Point at = c.at(th);
        assertThat(at.loss()).isCloseTo(loss.mean(loss.output(model, x), y, null).item(), within(1e-5));
        double[] grad = at.gradient();
        int off = 0;
        for (Tensor p : model.parameters()) {
            for (float gv : p.grad().data()) {
                assertThat(grad[off++]).as("%s %s gradient", act, loss).isCloseTo(gv, within(1e-5 + 1e-4 * Math.abs(gv)));
            }
        }

        double[] v = new double[th.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = g.nextGaussian();
        }
        double[] hv = at.hvp(v);
        double eps = 1e-5;
        double[] plus = th.clone(), minus = th.clone();
        for (int i = 0; i < th.length; i++) {
            plus[i] += eps * v[i];
            minus[i] -= eps * v[i];
        }
        double[] gp = c.gradient(plus), gm = c.gradient(minus);
        for (int i = 0; i < hv.length; i++) {
            double fd = (gp[i] - gm[i]) / (2 * eps);
            assertThat(hv[i]).as("%s %s Hv[%d]", act, loss, i).isCloseTo(fd, within(1e-6 + 1e-5 * Math.abs(fd)));
        }

        // float32 on the GEMM kernels agrees with float64 to single precision.
        MlpCurvature f32 = new MlpCurvature(model, x, y, loss, MlpCurvature.Precision.FLOAT32);
        double[] hv32 = f32.hvp(th, v);
        double scale = Lanczos.norm(hv);
        for (int i = 0; i < hv.length; i++) {
            assertThat(hv32[i]).as("%s %s float32 Hv[%d]", act, loss, i).isCloseTo(hv[i], within(1e-5 * scale));
        }
        assertThat(f32.loss(th)).isCloseTo(at.loss(), within(1e-6 * Math.max(1, at.loss())));
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void hvpMatchesFiniteDifferencesOfAutogradGradientsInFloat32(Loss loss) {
        // An independent route: autograd's float32 gradients at θ ± ε·v, no R-operator involved.
        Generator g = new Generator(11);
        Mlp model = new Mlp(new MlpSpec(6, List.of(8), 4, true, Activation.TANH), g);
        Tensor x = Tensor.randn(g, 32, 6);
        int[] y = new int[32];
        for (int i = 0; i < y.length; i++) {
            y[i] = g.nextInt(4);
        }
        double[] th = MlpCurvature.flatten(model);
        double[] v = new double[th.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = g.nextGaussian();
        }
        double[] hv = new MlpCurvature(model, x, y, loss, MlpCurvature.Precision.FLOAT32).hvp(th, v);
        double eps = 1e-2;
        double[] plus = autogradGradient(model, loss, x, y, th, v, eps), minus = autogradGradient(model, loss, x, y, th, v, -eps);
        double scale = Lanczos.norm(hv);
        for (int i = 0; i < hv.length; i++) {
            double fd = (plus[i] - minus[i]) / (2 * eps);
            assertThat(hv[i]).as("%s Hv[%d]", loss, i).isCloseTo(fd, within(2e-3 * scale));
        }
    }

    private static double[] autogradGradient(Mlp model, Loss loss, Tensor x, int[] y, double[] theta, double[] v, double eps) {
        double[] t = theta.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] += eps * v[i];
        }
        MlpCurvature.unflatten(t, model);
        model.zeroGrad(false);
        loss.mean(loss.output(model, x), y, null).backward();
        double[] grad = new double[t.length];
        int off = 0;
        for (Tensor p : model.parameters()) {
            for (float gv : p.grad().data()) {
                grad[off++] = gv;
            }
        }
        MlpCurvature.unflatten(theta, model);
        return grad;
    }

    @Test
    void float32ProductsMatchPyTorchsGoldenValues() {
        JsonNode root = Golden.read(Golden.dir().resolve("analysis/mlp_hvp.json"));
        Mlp model = Golden.model(root);
        double[][] r = rows(root.get("inputs"));
        double[] flat = new double[r.length * r[0].length];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(r[i], 0, flat, i * r[0].length, r[0].length);
        }
        MlpCurvature c = new MlpCurvature(model, flat, Golden.ints(root.get("targets")), Loss.NLL, MlpCurvature.Precision.FLOAT32);
        double[] hv = c.hvp(theta(root), Golden.doubles(root.get("v").get("data")));
        float[] got = new float[hv.length];
        for (int i = 0; i < hv.length; i++) {
            got[i] = (float) hv[i];
        }
        Golden.assertClose("hv (float32)", got, Golden.doubles(root.get("hv").get("data")));
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void aLayersBlockIsTheDiagonalBlockOfTheDenseHessian(Loss loss) {
        Generator g = new Generator(5);
        Mlp model = new Mlp(new MlpSpec(4, List.of(5, 3), 3, true, Activation.SIGMOID), g);
        Tensor x = Tensor.randn(g, 9, 4);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2};
        for (MlpCurvature.Precision prec : MlpCurvature.Precision.values()) {
            MlpCurvature c = new MlpCurvature(model, x, y, loss, prec);
            MlpCurvature.Point at = c.at(MlpCurvature.flatten(model));
            double[][] h = Hessians.dense(at.hessian(), c.size());
            assertThat(c.blocks()).extracting(MlpCurvature.Block::name).containsExactly("main.0", "main.2", "main.4");
            assertThat(c.blocks().get(2).offset() + c.blocks().get(2).length()).isEqualTo(c.size());
            double tol = prec == MlpCurvature.Precision.FLOAT64 ? 1e-12 : 1e-6;
            for (MlpCurvature.Block b : c.blocks()) {
                double[][] hb = Hessians.dense(at.hessian(b), b.length());
                for (int i = 0; i < b.length(); i++) {
                    for (int j = 0; j < b.length(); j++) {
                        assertThat(hb[i][j]).as("%s %s block %s (%d, %d)", loss, prec, b.name(), i, j)
                                .isCloseTo(h[b.offset() + i][b.offset() + j], within(tol + 1e-5 * Math.abs(h[b.offset() + i][b.offset() + j])));
                    }
                }
            }
        }
        MlpCurvature c = new MlpCurvature(model, x, y, loss, MlpCurvature.Precision.FLOAT64);
        MlpCurvature.Point at = c.at(MlpCurvature.flatten(model));
        assertThatThrownBy(() -> at.hvp(new double[3])).hasMessageContaining("3 values");
        assertThatThrownBy(() -> at.hvp(c.blocks().get(0), new double[c.size()])).hasMessageContaining("main.0");
    }

    @Test
    void hutchinsonIsExactOnADiagonalAndUnbiasedOnADenseMatrix() {
        double[] d = {1, 2, 3, 4.5};
        double tr = Hessians.hutchinson(v -> new double[] {d[0] * v[0], d[1] * v[1], d[2] * v[2], d[3] * v[3]}, 4, 3, new Generator(1)).trace();
        assertThat(tr).isCloseTo(10.5, within(1e-12));
        double[][] a = {{2, 1, 0}, {1, 3, 1}, {0, 1, 4}};
        double est = Hessians.hutchinson(v -> new double[] {2 * v[0] + v[1], v[0] + 3 * v[1] + v[2], v[1] + 4 * v[2]}, 3, 4000, new Generator(2)).trace();
        assertThat(est).isCloseTo(9, within(0.2));
        assertThat(Hessians.conditionNumber(new double[] {-1, 2, 5}, 1e-10)).isInfinite();
        assertThatThrownBy(() -> SymmetricEigen.eigenvalues(new double[][] {{1, 2}, {0, 1}})).hasMessageContaining("not symmetric");
        assertThat(a.length).isEqualTo(3);
    }
}
