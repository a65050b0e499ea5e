package dev.descent.optim.schedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.optim.Optimizer;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every schedule case in the golden vectors (golden/sched): the learning rate before and after every
 * step. Every option key must be mapped: one the test does not read fails the case.
 */
class ScheduleGoldenTest {

    static List<Path> cases() {
        return Golden.files("sched");
    }

    /** torch.optim.lr_scheduler.&lt;name&gt;(**options), with PyTorch's defaults. */
    static Schedule schedule(String name, Golden.Options o) {
        String base = name.contains("_") && !name.startsWith("SequentialLR") ? name.substring(0, name.indexOf('_')) : name;
        Schedule s = switch (base) {
            case "StepLR" -> new Schedule.StepLr(o.get("step_size").asInt(), o.num("gamma", 0.1));
            case "MultiStepLR" -> new Schedule.MultiStepLr(o.wholes("milestones"), o.num("gamma", 0.1));
            case "ExponentialLR" -> new Schedule.ExponentialLr(o.get("gamma").asDouble());
            case "CosineAnnealingLR" -> new Schedule.CosineAnnealingLr(o.get("T_max").asInt(), o.num("eta_min", 0));
            case "CosineAnnealingWarmRestarts" -> new Schedule.CosineAnnealingWarmRestarts(o.get("T_0").asInt(), o.whole("T_mult", 1), o.num("eta_min", 0));
            case "LinearLR" -> new Schedule.LinearLr(o.num("start_factor", 1.0 / 3), o.num("end_factor", 1.0), o.whole("total_iters", 5));
            case "OneCycleLR" -> new Schedule.OneCycleLr(o.get("max_lr").asDouble(), o.get("total_steps").asInt(), o.num("pct_start", 0.3),
                    Schedule.Anneal.valueOf(o.text("anneal_strategy", "cos").toUpperCase(Locale.ROOT)), o.num("div_factor", 25), o.num("final_div_factor", 1e4));
            case "CyclicLR" -> {
                int up = o.whole("step_size_up", 2000);
                yield new Schedule.CyclicLr(o.get("base_lr").asDouble(), o.get("max_lr").asDouble(), up, o.whole("step_size_down", up),
                        Schedule.CyclicMode.valueOf(o.text("mode", "triangular").toUpperCase(Locale.ROOT)), o.num("gamma", 1.0));
            }
            case "SequentialLR_warmup_cosine", "SequentialLR" -> {
                List<Schedule> parts = new ArrayList<>();
                for (JsonNode p : o.get("schedulers")) {
                    Golden.Options po = Golden.options(p);
                    po.get("name");
                    parts.add(schedule(p.get("name").asText(), po));
                }
                yield new Schedule.SequentialLr(parts, o.wholes("milestones"));
            }
            default -> throw new IllegalArgumentException("no mapping for golden schedule " + name);
        };
        o.assertAllMapped(name);
        return s;
    }

    /** torch.optim.lr_scheduler.ReduceLROnPlateau(**options), with PyTorch's defaults. */
    static ReduceLrOnPlateau.Options plateau(Golden.Options o) {
        ReduceLrOnPlateau.Options p = new ReduceLrOnPlateau.Options(
                ReduceLrOnPlateau.Mode.valueOf(o.text("mode", "min").toUpperCase(Locale.ROOT)), o.num("factor", 0.1), o.whole("patience", 10),
                o.num("threshold", 1e-4), ReduceLrOnPlateau.ThresholdMode.valueOf(o.text("threshold_mode", "rel").toUpperCase(Locale.ROOT)),
                o.whole("cooldown", 0), o.num("min_lr", 0), o.num("eps", 1e-8));
        o.assertAllMapped("ReduceLROnPlateau");
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Path file) {
        JsonNode root = Golden.read(file);
        Golden.assertMapped(file.getFileName().toString(), root, "scheduler", "options", "base_lr", "optimizer", "steps", "lrs", "metrics");
        assertThat(root.get("optimizer").asText()).as("the optimizer the case steps").isEqualTo("SGD(momentum=0.9)");
        String name = root.get("scheduler").asText();
        Golden.Options o = Golden.options(root.get("options"));
        double[] expected = Golden.doubles(root.get("lrs"));
        assertThat(expected).hasSize(root.get("steps").asInt() + 1);
        Tensor p = Tensor.zeros(3).requiresGrad(true);
        Optimizer<Sgd.Options> opt = Sgd.create(List.of(p), root.get("base_lr").asDouble(), 0, Sgd.Options.momentum(0.9));
        float[] actual = new float[expected.length];
        if (name.equals("ReduceLROnPlateau")) {
            ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(opt, plateau(o));
            double[] metrics = Golden.doubles(root.get("metrics"));
            actual[0] = (float) opt.paramGroups().get(0).lr();
            for (int i = 1; i < expected.length; i++) {
                opt.step();
                plateau.step(metrics[i - 1]);
                actual[i] = (float) opt.paramGroups().get(0).lr();
            }
        } else {
            assertThat(root.has("metrics")).as("metrics belong to ReduceLROnPlateau only").isFalse();
            LrScheduler sched = new LrScheduler(opt, schedule(name, o));
            actual[0] = (float) sched.lastLr()[0];
            for (int i = 1; i < expected.length; i++) {
                opt.step();
                sched.step();
                actual[i] = (float) sched.lastLr()[0];
            }
        }
        Golden.assertClose(name + " lr", actual, expected);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode optionsOf(String file) {
        return (com.fasterxml.jackson.databind.node.ObjectNode) Golden.read(Golden.dir().resolve("sched/" + file)).get("options").deepCopy();
    }

    @Test
    void anOptionKeyTheTestDoesNotMapFailsTheCase() {
        assertThatThrownBy(() -> schedule("StepLR", Golden.options(optionsOf("StepLR.json").put("last_epoch", 3))))
                .hasMessageContaining("keys the test does not map: [last_epoch]");
        assertThatThrownBy(() -> plateau(Golden.options(optionsOf("ReduceLROnPlateau.json").put("verbose", true)))).hasMessageContaining("[verbose]");
        // threshold_mode is mapped (it was dropped before): 'abs' reaches the options.
        assertThat(plateau(Golden.options(optionsOf("ReduceLROnPlateau.json").put("threshold_mode", "abs"))).thresholdMode())
                .isEqualTo(ReduceLrOnPlateau.ThresholdMode.ABS);
    }
}
