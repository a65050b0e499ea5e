package dev.descent.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.descent.testing.GradCheck.awayFromZero;
import static dev.descent.testing.GradCheck.check;
import static dev.descent.testing.GradCheck.param;

/** A finite-difference check of every differentiable op, on random shapes and fresh inputs. */
class GradCheckTest {

    private final Generator gen = new Generator(7);

    private int size(int lo, int hi) {
        return lo + gen.nextInt(hi - lo + 1);
    }

    @Test
    void addSubMulDivSameShape() {
        int r = size(1, 5), c = size(1, 6);
        check("add", t -> t[0].add(t[1]), param(gen, r, c), param(gen, r, c));
        check("sub", t -> t[0].sub(t[1]), param(gen, r, c), param(gen, r, c));
        check("mul", t -> t[0].mul(t[1]), param(gen, r, c), param(gen, r, c));
        check("div", t -> t[0].div(t[1]), param(gen, r, c), awayFromZero(gen, 0.5f, 2f, r, c));
    }

    @Test
    void broadcastingRowVectorColumnAndScalar() {
        int r = size(2, 5), c = size(2, 6);
        check("add bias row", t -> t[0].add(t[1]), param(gen, r, c), param(gen, c));
        check("mul column × row", t -> t[0].mul(t[1]), param(gen, r, 1), param(gen, 1, c));
        check("sub rank-3 vs rank-2", t -> t[0].sub(t[1]), param(gen, 2, r, c), param(gen, r, 1));
        check("div by scalar tensor", t -> t[0].div(t[1]), param(gen, r, c), awayFromZero(gen, 0.5f, 2f));
        check("scalar tensor times matrix", t -> t[0].mul(t[1]), param(gen), param(gen, r, c));
    }

    @Test
    void powTensorAndScalar() {
        int n = size(2, 8);
        check("pow tensor", t -> t[0].pow(t[1]), param(gen, 0.5f, 2f, n), param(gen, -1.5f, 1.5f, n));
        check("pow tensor broadcast", t -> t[0].pow(t[1]), param(gen, 0.5f, 2f, 3, n), param(gen, -1f, 2f, n));
        check("pow scalar", t -> t[0].pow(3f), param(gen, 2, n));
        check("pow scalar fractional", t -> t[0].pow(0.5f), param(gen, 0.5f, 2f, n));
    }

    @Test
    void scalarOps() {
        int n = size(1, 9);
        check("add scalar", t -> t[0].add(1.5f), param(gen, n));
        check("sub scalar", t -> t[0].sub(0.5f), param(gen, n));
        check("mul scalar", t -> t[0].mul(-2.5f), param(gen, n));
        check("div scalar", t -> t[0].div(4f), param(gen, n));
        check("neg", t -> t[0].neg(), param(gen, n));
    }

    @Test
    void transcendental() {
        int r = size(1, 4), c = size(1, 5);
        check("exp", t -> t[0].exp(), param(gen, -2f, 2f, r, c));
        check("log", t -> t[0].log(), param(gen, 0.5f, 3f, r, c));
        check("sqrt", t -> t[0].sqrt(), param(gen, 0.5f, 3f, r, c));
        check("abs", t -> t[0].abs(), awayFromZero(gen, 0.05f, 2f, r, c));
    }

    @Test
    void activations() {
        int r = size(1, 4), c = size(1, 7);
        check("relu", t -> t[0].relu(), awayFromZero(gen, 0.05f, 2f, r, c));
        check("leaky_relu", t -> t[0].leakyRelu(0.1f), awayFromZero(gen, 0.05f, 2f, r, c));
        check("tanh", t -> t[0].tanh(), param(gen, r, c));
        check("sigmoid", t -> t[0].sigmoid(), param(gen, r, c));
        check("gelu", t -> t[0].gelu(), param(gen, -3f, 3f, r, c));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void reductionsAlongADim(int dim) {
        int[] shape = {size(1, 3), size(2, 4), size(1, 5)};
        check("sum dim", t -> t[0].sum(dim, false), param(gen, shape));
        check("sum dim keep", t -> t[0].sum(dim, true), param(gen, shape));
        check("mean dim", t -> t[0].mean(dim, false), param(gen, shape));
        check("max dim", t -> t[0].max(dim, false).values(), distinct(shape));
        check("softmax", t -> t[0].softmax(dim), param(gen, shape));
        check("log_softmax", t -> t[0].logSoftmax(dim), param(gen, shape));
    }

    /** Values at least 0.1 apart, so a finite-difference step never changes which element is the maximum. */
    private Tensor distinct(int... shape) {
        Tensor t = Tensor.zeros(shape);
        int[] perm = gen.permutation(t.numel());
        for (int i = 0; i < perm.length; i++) {
            t.data()[i] = 0.1f * perm[i] - 1f;
        }
        return t.requiresGrad(true);
    }

    @Test
    void reductionsOverAll() {
        check("sum", t -> t[0].sum(), param(gen, size(1, 4), size(1, 4)));
        check("mean", t -> t[0].mean(), param(gen, size(1, 4), size(1, 4)));
    }

    @Test
    void shapeOps() {
        int a = size(1, 4), b = size(1, 4), c = size(1, 4);
        check("reshape", t -> t[0].reshape(-1, a).mul(t[0].reshape(-1, a)), param(gen, b, c, a));
        check("view", t -> t[0].view(a * b, c).exp(), param(gen, a, b, c));
        check("flatten", t -> t[0].flatten().sigmoid(), param(gen, a, b, c));
        check("flatten(1)", t -> t[0].flatten(1).tanh(), param(gen, a, b, c));
        check("transpose 2-D", t -> t[0].t().mul(t[1]), param(gen, a, b), param(gen, b, a));
        check("transpose rank 3", t -> t[0].transpose(0, 2), param(gen, a, b, c));
        int[] rows = {2, 0, 2, 1, 0};
        check("index_select with repeats", t -> t[0].indexSelect(rows), param(gen, 3, c));
    }

    @Test
    void matmulAndLinear() {
        int m = size(1, 6), k = size(1, 7), n = size(1, 5);
        check("matmul", t -> t[0].matmul(t[1]), param(gen, m, k), param(gen, k, n));
        check("linear", t -> F.linear(t[0], t[1], t[2]), param(gen, m, k), param(gen, n, k), param(gen, n));
        check("linear without bias", t -> F.linear(t[0], t[1], null), param(gen, m, k), param(gen, n, k));
    }

    @Test
    void linearOnAListedInput() {
        int m = size(2, 6), k = size(20, 40), n = size(1, 5);
        float[] x = new float[m * k];
        for (int i = 0; i < x.length; i += 5) {
            x[i] = (float) gen.nextGaussian();   // a fifth non-zero
        }
        java.util.Optional<dev.descent.tensor.kernel.SparseInput> sx = F.sparseInput(Tensor.of(x, m, k));
        org.junit.jupiter.api.Assumptions.assumeTrue(sx.isPresent(), "inputs are listed where the sparse kernels run (AVX-512)");
        check("linear on a listed input", t -> F.linear(sx.get(), t[0], t[1]), param(gen, n, k), param(gen, n));
        check("linear on a listed input without bias", t -> F.linear(sx.get(), t[0], null), param(gen, n, k));
    }

    @Test
    void largerMatmulCrossesKernelBlocks() {
        // Sizes beyond one register tile, one panel and one k-block exercise every edge path.
        Generator g = new Generator(11);
        Tensor a = param(g, 9, 300);
        Tensor b = param(g, 300, 27);
        check("matmul blocked", t -> t[0].matmul(t[1]), 1e-2, 3e-2, 2e-2, a, b);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void nllLoss(Reduction reduction) {
        int n = size(2, 6), c = size(2, 5);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = gen.nextInt(c);
        }
        float[] weight = Tensor.uniform(gen, 0.5f, 2f, c).data();
        check("nll_loss " + reduction, t -> F.nllLoss(t[0].logSoftmax(1), targets, null, reduction, F.IGNORE_INDEX), param(gen, n, c));
        check("nll_loss weighted " + reduction, t -> F.nllLoss(t[0].logSoftmax(1), targets, weight, reduction, F.IGNORE_INDEX), param(gen, n, c));
        check("cross_entropy " + reduction, t -> F.crossEntropy(t[0], targets, weight, reduction), param(gen, n, c));
        check("mse_loss " + reduction, t -> F.mseLoss(t[0], t[1], reduction), param(gen, n, c), param(gen, n, c));
    }

    @Test
    void ignoredTargetsContributeNothing() {
        int[] targets = {1, F.IGNORE_INDEX, 0};
        check("nll_loss ignore_index", t -> F.nllLoss(t[0], targets, null, Reduction.MEAN, F.IGNORE_INDEX), param(gen, 3, 2));
    }
}
