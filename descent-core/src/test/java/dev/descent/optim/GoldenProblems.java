package dev.descent.optim;

import com.fasterxml.jackson.databind.JsonNode;

import dev.descent.nn.Mlp;
import dev.descent.optim.TutorialRules.GradientDescent;
import dev.descent.optim.TutorialRules.Momentum;
import dev.descent.tensor.F;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

/** Maps the golden files' {@code torch.optim.<name>(**options)} to specs, with PyTorch's defaults. */
final class GoldenProblems {

    private GoldenProblems() {
    }

    static double opt(JsonNode o, String key, double dflt) {
        return o.has(key) ? o.get(key).asDouble() : dflt;
    }

    static boolean flag(JsonNode o, String key) {
        return o.has(key) && o.get(key).asBoolean();
    }

    static OptimizerSpec<?> spec(JsonNode optimizer) {
        String name = optimizer.get("name").asText();
        JsonNode o = optimizer.get("options");
        double lr = o.get("lr").asDouble();
        double wd = opt(o, "weight_decay", 0);
        JsonNode betas = o.get("betas");
        double b1 = betas == null ? 0.9 : betas.get(0).asDouble();
        double b2 = betas == null ? 0.999 : betas.get(1).asDouble();
        return switch (name) {
            case "SGD" -> new OptimizerSpec<>(Sgd.RULE, lr, wd, new Sgd.Options(opt(o, "momentum", 0), opt(o, "dampening", 0), flag(o, "nesterov")));
            case "Adam" -> new OptimizerSpec<>(Adam.ADAM, lr, wd, new Adam.Options(b1, b2, opt(o, "eps", 1e-8), flag(o, "amsgrad")));
            case "AdamW" -> new OptimizerSpec<>(Adam.ADAMW, lr, opt(o, "weight_decay", 1e-2), new Adam.Options(b1, b2, opt(o, "eps", 1e-8), flag(o, "amsgrad")));
            case "Adamax" -> new OptimizerSpec<>(Adamax.RULE, lr, wd, new Adamax.Options(b1, b2, opt(o, "eps", 1e-8)));
            case "NAdam" -> new OptimizerSpec<>(NAdam.RULE, lr, wd, new NAdam.Options(b1, b2, opt(o, "eps", 1e-8), opt(o, "momentum_decay", 4e-3)));
            case "RAdam" -> new OptimizerSpec<>(RAdam.RULE, lr, wd, new RAdam.Options(b1, b2, opt(o, "eps", 1e-8)));
            case "RMSprop" -> new OptimizerSpec<>(RmsProp.RULE, lr, wd, new RmsProp.Options(opt(o, "alpha", 0.99), opt(o, "eps", 1e-8), opt(o, "momentum", 0), flag(o, "centered")));
            case "Adagrad" -> new OptimizerSpec<>(Adagrad.RULE, lr, wd, new Adagrad.Options(opt(o, "lr_decay", 0), opt(o, "initial_accumulator_value", 0), opt(o, "eps", 1e-10)));
            case "Adadelta" -> new OptimizerSpec<>(Adadelta.RULE, lr, wd, new Adadelta.Options(opt(o, "rho", 0.9), opt(o, "eps", 1e-6)));
            case "gradient_update" -> new OptimizerSpec<>(GradientDescent.RULE, lr, 0, new TutorialRules.NoOptions());
            case "momentum_update" -> new OptimizerSpec<>(Momentum.RULE, lr, 0, new TutorialRules.MomentumOptions(o.get("beta").asDouble()));
            case "rmsprop_update" -> new OptimizerSpec<>(TutorialRules.RmsProp.RULE, lr, 0, new TutorialRules.RmsPropOptions(o.get("alpha").asDouble(), o.get("epsilon").asDouble()));
            default -> throw new IllegalArgumentException("no mapping for golden optimizer " + name);
        };
    }

    /** One full-batch step as the golden files define it; returns the loss before the update. */
    static float step(Mlp model, Optimizer<?> opt, Tensor inputs, int[] targets) {
        opt.zeroGrad();
        Tensor loss = F.nllLoss(model.forward(inputs), targets);
        loss.backward();
        opt.step();
        return loss.item();
    }

    static Mlp model(JsonNode root) {
        return Golden.model(root);
    }
}
