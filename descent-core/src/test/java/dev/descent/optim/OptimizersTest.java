package dev.descent.optim;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.descent.optim.Optimizers.Knob;
import dev.descent.tensor.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry: every name builds, with the algorithms' own defaults, and its help lists them all. */
class OptimizersTest {

    @Test
    void everyEntryBuildsAnOptimizerThatSteps() {
        for (Optimizers.Entry e : Optimizers.all()) {
            OptimizerSpec<?> spec = e.spec(7);
            assertThat(spec.lr()).as(e.name()).isEqualTo(e.defaultLr());
            List<Tensor> params = List.of(Tensor.zeros(3, 4).requiresGrad(true), Tensor.zeros(4).requiresGrad(true),
                    Tensor.zeros(5, 3).requiresGrad(true), Tensor.zeros(2, 5).requiresGrad(true));
            Optimizer<?> opt = spec.create(params);
            for (Tensor p : params) {
                p.backward(Tensor.ones(p.shape()), false);
            }
            opt.step();
            assertThat(params.get(1).toArray()).as(e.name() + " moved").isNotEqualTo(new float[4]);
        }
        assertThat(new HashSet<>(Optimizers.names())).hasSize(Optimizers.all().size());
    }

    @Test
    void theDefaultsAreTheAlgorithmsOwn() {
        Adam.Options adam = (Adam.Options) Optimizers.get("adam").spec(0).options();
        assertThat(adam).isEqualTo(Adam.Options.defaults());
        assertThat(Optimizers.get("adamw").spec(0).weightDecay()).isEqualTo(Adam.ADAMW_DEFAULT_WEIGHT_DECAY);
        assertThat(Optimizers.get("rmsprop").spec(0).options()).isEqualTo(RmsProp.Options.defaults());
        assertThat(Optimizers.get("schedule-free-adamw").spec(0).options()).isEqualTo(ScheduleFree.AdamWOptions.defaults());
        assertThat(Optimizers.get("schedule-free-sgd").spec(0).lr()).isEqualTo(ScheduleFree.SGD_DEFAULT_LR);
        assertThat(Optimizers.get("adafactor").spec(0).options()).isEqualTo(Adafactor.Options.defaults());
        // The one registry default that is not the algorithm's own (measured: docs/DESIGN-NOTES.md), and its help says so.
        assertThat(Optimizers.get("adafactor").defaultLr()).isEqualTo(0.02).isNotEqualTo(Adafactor.DEFAULT_LR);
        assertThat(Optimizers.get("adafactor").title()).contains("lr 0.02 here");
        assertThat(Optimizers.get("muon").spec(0).options()).isEqualTo(Muon.Options.defaults());
        assertThat(Optimizers.get("lion").spec(0).lr()).isEqualTo(Lion.DEFAULT_LR);
    }

    @Test
    void overridesApplyToTheKnobsAnOptimizerTakesAndAreIgnoredElsewhere() {
        OptimizerSpec<?> s = Optimizers.get("adam").spec(Map.of(Knob.LR, 0.1, Knob.BETA2, 0.9, Knob.RHO, 0.5), 0);
        assertThat(s.lr()).isEqualTo(0.1);
        assertThat(((Adam.Options) s.options()).beta2()).isEqualTo(0.9);
        assertThatThrownBy(() -> Optimizers.get("muon").spec(Map.of(Knob.NS_STEPS, 2.5), 0)).hasMessageContaining("Invalid ns_steps: 2.5");
        assertThatThrownBy(() -> Optimizers.get("adamm")).hasMessageContaining("unknown optimizer 'adamm' (known: sgd, momentum");
        assertThatThrownBy(() -> Optimizers.get("adam").spec(Map.of(Knob.BETA1, 1.0), 0)).hasMessageContaining("beta parameter at index 0: 1.0");
    }

    @Test
    void theHelpListsEveryNameWithItsDefaultsInsideTheWidth() {
        List<String> help = Optimizers.help(79);
        for (String n : Optimizers.names()) {
            assertThat(help).anyMatch(l -> l.startsWith("  " + n + " "));
        }
        assertThat(help).allMatch(l -> l.length() <= 79);
        assertThat(Optimizers.get("adam").describeDefaults()).isEqualTo("lr 0.001, weight_decay 0, beta1 0.9, beta2 0.999, eps 1e-8, amsgrad false");
    }
}
