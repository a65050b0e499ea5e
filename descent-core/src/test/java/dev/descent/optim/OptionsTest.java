package dev.descent.optim;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad options throw IllegalArgumentException naming the option and the value, as PyTorch's checks. */
class OptionsTest {

    private final List<Tensor> params = List.of(Tensor.zeros(2).requiresGrad(true));

    @Test
    void learningRateMustBePositiveAndFinite() {
        assertThatThrownBy(() -> Sgd.create(params, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate: 0.0");
        assertThatThrownBy(() -> Sgd.create(params, -1)).hasMessageContaining("learning rate: -1.0");
        assertThatThrownBy(() -> Sgd.create(params, Double.NaN)).hasMessageContaining("learning rate: NaN");
        assertThatThrownBy(() -> Sgd.create(params, Double.POSITIVE_INFINITY)).hasMessageContaining("learning rate: Infinity");
    }

    @Test
    void betasMustLieInZeroOne() {
        assertThatThrownBy(() -> Adam.adam(params, 1e-3, 0, new Adam.Options(1.0, 0.999, 1e-8, false)))
                .hasMessageContaining("beta parameter at index 0").hasMessageContaining("1.0");
        assertThatThrownBy(() -> Adam.adam(params, 1e-3, 0, new Adam.Options(0.9, -0.1, 1e-8, false)))
                .hasMessageContaining("beta parameter at index 1").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> Lion.create(params, 1e-4, 0, new Lion.Options(0.9, 1.5))).hasMessageContaining("1.5");
    }

    @Test
    void otherOptionsAreChecked() {
        assertThatThrownBy(() -> Adam.adam(params, 1e-3, -0.1, Adam.Options.defaults())).hasMessageContaining("weight_decay value: -0.1");
        assertThatThrownBy(() -> Adam.adam(params, 1e-3, 0, new Adam.Options(0.9, 0.999, -1, false))).hasMessageContaining("epsilon value: -1.0");
        assertThatThrownBy(() -> Sgd.create(params, 0.1, 0, new Sgd.Options(-0.5, 0, false))).hasMessageContaining("momentum value: -0.5");
        assertThatThrownBy(() -> Sgd.create(params, 0.1, 0, new Sgd.Options(0, 0, true))).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> Adagrad.create(params, 0.1, 0, new Adagrad.Options(-1, 0, 1e-10))).hasMessageContaining("lr_decay value: -1.0");
        assertThatThrownBy(() -> Adadelta.create(params, 1, 0, new Adadelta.Options(1.5, 1e-6))).hasMessageContaining("rho value: 1.5");
        assertThatThrownBy(() -> RandomSearch.create(params, 0, false, 1)).hasMessageContaining("noise_scale: 0.0");
    }

    @Test
    void parameterListsAreChecked() {
        assertThatThrownBy(() -> Sgd.create(List.of(), 0.1)).hasMessageContaining("empty parameter list");
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        assertThatThrownBy(() -> new Optimizer<>(Sgd.RULE, List.of(
                new Optimizer.GroupSpec<>(List.of(p), 0.1, 0, false, Sgd.Options.plain()),
                new Optimizer.GroupSpec<>(List.of(p), 0.01, 0, false, Sgd.Options.plain()))))
                .hasMessageContaining("more than one parameter group");
    }

    @Test
    void groupsHaveTheirOwnOptionsAndParametersWithoutGradientsAreSkipped() {
        Tensor a = Tensor.vector(1f, 1f).requiresGrad(true), b = Tensor.vector(1f, 1f).requiresGrad(true), c = Tensor.vector(1f).requiresGrad(true);
        Optimizer<Sgd.Options> opt = new Optimizer<>(Sgd.RULE, List.of(
                new Optimizer.GroupSpec<>(List.of(a), 0.1, 0, false, Sgd.Options.plain()),
                new Optimizer.GroupSpec<>(List.of(b, c), 1.0, 0, true, Sgd.Options.plain())));
        a.add(b).sum().backward();
        opt.step();
        assertThat(a.toArray()).containsExactly(0.9f, 0.9f);
        assertThat(b.toArray()).containsExactly(2f, 2f); // maximize: ascends
        assertThat(c.toArray()).containsExactly(1f);
        assertThat(opt.state(c)).isNull();
        opt.paramGroups().get(0).setLr(0.5);
        opt.step();
        assertThat(a.toArray()).containsExactly(0.9f - 0.5f, 0.9f - 0.5f);
        opt.zeroGrad(false);
        assertThat(a.grad().toArray()).containsExactly(0f, 0f);
        opt.zeroGrad();
        assertThat(a.grad()).isNull();
    }

    @Test
    void stepAndZeroGradEqualsStepThenZeroGrad() {
        Tensor a = Tensor.vector(1f, 2f, 3f).requiresGrad(true), b = Tensor.vector(1f, 2f, 3f).requiresGrad(true);
        Optimizer<Adam.Options> oa = Adam.adam(List.of(a), 0.1, 0.01, Adam.Options.defaults());
        Optimizer<Adam.Options> ob = Adam.adam(List.of(b), 0.1, 0.01, Adam.Options.defaults());
        for (int i = 0; i < 3; i++) {
            a.mul(a).sum().backward();
            b.mul(b).sum().backward();
            oa.step();
            oa.zeroGrad(false);
            ob.stepAndZeroGrad();
            assertThat(b.toArray()).containsExactly(a.toArray());
            assertThat(b.grad().toArray()).containsExactly(0f, 0f, 0f);
        }
    }
}
