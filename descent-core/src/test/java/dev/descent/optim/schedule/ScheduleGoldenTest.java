package dev.descent.optim.schedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.optim.Optimizer;
import dev.descent.optim.Sgd;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

/** Every schedule case in ../shared/golden/sched: the learning rate before and after every step. */
class ScheduleGoldenTest {

    static List<Path> cases() {
        return Golden.files("sched");
    }

    static double opt(JsonNode o, String key, double dflt) {
        return o.has(key) ? o.get(key).asDouble() : dflt;
    }

    /** torch.optim.lr_scheduler.&lt;name&gt;(**options), with PyTorch's defaults. */
    static Schedule schedule(String name, JsonNode o) {
        String base = name.contains("_") && !name.startsWith("SequentialLR") ? name.substring(0, name.indexOf('_')) : name;
        return switch (base) {
            case "StepLR" -> new Schedule.StepLr(o.get("step_size").asInt(), opt(o, "gamma", 0.1));
            case "MultiStepLR" -> new Schedule.MultiStepLr(toList(o.get("milestones")), opt(o, "gamma", 0.1));
            case "ExponentialLR" -> new Schedule.ExponentialLr(o.get("gamma").asDouble());
            case "CosineAnnealingLR" -> new Schedule.CosineAnnealingLr(o.get("T_max").asInt(), opt(o, "eta_min", 0));
            case "CosineAnnealingWarmRestarts" -> new Schedule.CosineAnnealingWarmRestarts(o.get("T_0").asInt(), (int) opt(o, "T_mult", 1), opt(o, "eta_min", 0));
            case "LinearLR" -> new Schedule.LinearLr(opt(o, "start_factor", 1.0 / 3), opt(o, "end_factor", 1.0), (int) opt(o, "total_iters", 5));
            case "OneCycleLR" -> new Schedule.OneCycleLr(o.get("max_lr").asDouble(), o.get("total_steps").asInt(), opt(o, "pct_start", 0.3),
                    Schedule.Anneal.valueOf(o.has("anneal_strategy") ? o.get("anneal_strategy").asText().toUpperCase() : "COS"),
                    opt(o, "div_factor", 25), opt(o, "final_div_factor", 1e4));
            case "CyclicLR" -> {
                int up = (int) opt(o, "step_size_up", 2000);
                yield new Schedule.CyclicLr(o.get("base_lr").asDouble(), o.get("max_lr").asDouble(), up, (int) opt(o, "step_size_down", up),
                        Schedule.CyclicMode.valueOf(o.has("mode") ? o.get("mode").asText().toUpperCase() : "TRIANGULAR"), opt(o, "gamma", 1.0));
            }
            case "SequentialLR_warmup_cosine", "SequentialLR" -> {
                List<Schedule> parts = new ArrayList<>();
                for (JsonNode s : o.get("schedulers")) {
                    parts.add(schedule(s.get("name").asText(), s));
                }
                yield new Schedule.SequentialLr(parts, toList(o.get("milestones")));
            }
            default -> throw new IllegalArgumentException("no mapping for golden schedule " + name);
        };
    }

    static List<Integer> toList(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asInt()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Path file) {
        JsonNode root = Golden.read(file);
        String name = root.get("scheduler").asText();
        JsonNode o = root.get("options");
        double[] expected = Golden.doubles(root.get("lrs"));
        Tensor p = Tensor.zeros(3).requiresGrad(true);
        Optimizer<Sgd.Options> opt = Sgd.create(List.of(p), root.get("base_lr").asDouble(), 0, Sgd.Options.momentum(0.9));
        float[] actual = new float[expected.length];
        if (name.equals("ReduceLROnPlateau")) {
            ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(opt, new ReduceLrOnPlateau.Options(
                    ReduceLrOnPlateau.Mode.valueOf(o.get("mode").asText().toUpperCase()), opt(o, "factor", 0.1), (int) opt(o, "patience", 10),
                    opt(o, "threshold", 1e-4), ReduceLrOnPlateau.ThresholdMode.REL, (int) opt(o, "cooldown", 0), opt(o, "min_lr", 0), 1e-8));
            double[] metrics = Golden.doubles(root.get("metrics"));
            actual[0] = (float) opt.paramGroups().get(0).lr();
            for (int i = 1; i < expected.length; i++) {
                opt.step();
                plateau.step(metrics[i - 1]);
                actual[i] = (float) opt.paramGroups().get(0).lr();
            }
        } else {
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
}
