package dev.descent.optim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.descent.nn.Mlp;
import dev.descent.optim.transform.Chain;
import dev.descent.tensor.F;
import dev.descent.tensor.Tensor;
import dev.descent.testing.Golden;

/**
 * Maps the golden files' {@code torch.optim.<name>(**options)} (and the other optimizers the golden
 * README describes) to Descent optimizers, with PyTorch's defaults. Every key of a case's optimizer
 * and its options must be read here, or the case fails: a key the mapping ignores would otherwise
 * pass without being tested.
 */
final class GoldenProblems {

    private GoldenProblems() {
    }

    /** The reference cases beside the shared golden ones (Adafactor, from its documented algorithm). */
    static List<Path> referenceCases() {
        try {
            Path dir = Path.of(GoldenProblems.class.getResource("/reference/optim").toURI());
            try (var s = java.nio.file.Files.list(dir)) {
                return s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            }
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON object whose keys must all be read; {@link #requireAllRead()} fails naming the others. */
    static final class Keys {
        private final JsonNode node;
        private final String where;
        private final Set<String> read = new HashSet<>();

        Keys(JsonNode node, String where) {
            this.node = node;
            this.where = where;
        }

        double real(String k) {
            read.add(k);
            if (!node.has(k)) {
                throw new AssertionError(where + ": no '" + k + "'");
            }
            return node.get(k).asDouble();
        }

        double real(String k, double dflt) {
            read.add(k);
            return node.has(k) ? node.get(k).asDouble() : dflt;
        }

        int integer(String k, int dflt) {
            read.add(k);
            return node.has(k) ? node.get(k).asInt() : dflt;
        }

        boolean flag(String k) {
            read.add(k);
            return node.has(k) && node.get(k).asBoolean();
        }

        String text(String k) {
            read.add(k);
            return node.has(k) && !node.get(k).isNull() ? node.get(k).asText() : null;
        }

        /** {@code betas}, or the defaults. */
        double[] betas(double b1, double b2) {
            read.add("betas");
            JsonNode b = node.get("betas");
            return b == null ? new double[] {b1, b2} : new double[] {b.get(0).asDouble(), b.get(1).asDouble()};
        }

        JsonNode raw(String k) {
            read.add(k);
            return node.get(k);
        }

        Keys child(String k) {
            read.add(k);
            return new Keys(node.get(k), where + "." + k);
        }

        void requireAllRead() {
            List<String> unread = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!read.contains(k)) {
                    unread.add(k);
                }
            }
            if (!unread.isEmpty()) {
                throw new AssertionError(where + ": the test does not map " + unread + ", so the case would pass without testing them");
            }
        }
    }

    /** An optimizer built from a case, and how the case steps it. */
    record Built(Optimizer<?> optimizer, Lbfgs lbfgs, boolean scheduleFree) {
    }

    /** Builds the case's optimizer over {@code model}'s parameters; fails on any key it does not map. */
    static Built build(JsonNode optimizer, Mlp model, String where) {
        Keys top = new Keys(optimizer, where + " optimizer");
        String name = top.text("name");
        Keys o = top.child("options");
        boolean tutorial = top.flag("tutorial_form");
        boolean closure = top.flag("closure");
        boolean scheduleFree = top.flag("schedule_free");
        boolean documented = top.flag("documented_algorithm");
        Map<String, Tensor> named = model.namedParameters();
        Built built = switch (name) {
            case "LBFGS" -> new Built(null, new Lbfgs(model.parameters(), lbfgsOptions(o)), false);
            case "MuonWithAuxAdam" -> new Built(muon(top, o, named), null, false);
            default -> new Built(single(name, o, named), null, scheduleFree);
        };
        if (closure != name.equals("LBFGS") || scheduleFree != name.endsWith("ScheduleFree")
                || tutorial != name.endsWith("_update") || documented != name.equals("Adafactor")) {
            throw new AssertionError(where + ": the flags closure/schedule_free/tutorial_form/documented_algorithm do not fit " + name);
        }
        o.requireAllRead();
        top.requireAllRead();
        return built;
    }

    private static Optimizer<?> single(String name, Keys o, Map<String, Tensor> named) {
        double lr = o.real("lr");
        double[] b = o.betas(0.9, 0.999);
        return switch (name) {
            case "SGD" -> one(Sgd.RULE, lr, o.real("weight_decay", 0), o, named, new Sgd.Options(o.real("momentum", 0), o.real("dampening", 0), o.flag("nesterov")));
            case "Adam" -> one(Adam.ADAM, lr, o.real("weight_decay", 0), o, named, new Adam.Options(b[0], b[1], o.real("eps", 1e-8), o.flag("amsgrad")));
            case "AdamW" -> one(Adam.ADAMW, lr, o.real("weight_decay", 1e-2), o, named, new Adam.Options(b[0], b[1], o.real("eps", 1e-8), o.flag("amsgrad")));
            case "Adamax" -> one(Adamax.RULE, lr, o.real("weight_decay", 0), o, named, new Adamax.Options(b[0], b[1], o.real("eps", 1e-8)));
            case "NAdam" -> one(NAdam.RULE, lr, o.real("weight_decay", 0), o, named, new NAdam.Options(b[0], b[1], o.real("eps", 1e-8), o.real("momentum_decay", 4e-3)));
            case "RAdam" -> one(RAdam.RULE, lr, o.real("weight_decay", 0), o, named, new RAdam.Options(b[0], b[1], o.real("eps", 1e-8)));
            case "RMSprop" -> one(RmsProp.RULE, lr, o.real("weight_decay", 0), o, named,
                    new RmsProp.Options(o.real("alpha", 0.99), o.real("eps", 1e-8), o.real("momentum", 0), o.flag("centered")));
            case "Adagrad" -> one(Adagrad.RULE, lr, o.real("weight_decay", 0), o, named,
                    new Adagrad.Options(o.real("lr_decay", 0), o.real("initial_accumulator_value", 0), o.real("eps", 1e-10)));
            case "Adadelta" -> one(Adadelta.RULE, lr, o.real("weight_decay", 0), o, named, new Adadelta.Options(o.real("rho", 0.9), o.real("eps", 1e-6)));
            case "Lion" -> {
                double[] lb = o.betas(0.9, 0.99);
                yield one(Lion.RULE, lr, o.real("weight_decay", 0), o, named, new Lion.Options(lb[0], lb[1]));
            }
            case "Adafactor" -> {
                JsonNode eps = o.raw("eps");
                double eps1 = eps == null || eps.get(0).isNull() ? Adafactor.Options.defaults().eps1() : eps.get(0).asDouble();
                double eps2 = eps == null ? 1e-3 : eps.get(1).asDouble();
                yield one(Adafactor.RULE, lr, o.real("weight_decay", 0), o, named,
                        new Adafactor.Options(o.real("beta2_decay", -0.8), eps1, eps2, o.real("d", 1.0)));
            }
            case "AdamWScheduleFree" -> one(ScheduleFree.ADAMW, lr, o.real("weight_decay", 0), o, named, new ScheduleFree.AdamWOptions(b[0], b[1],
                    o.real("eps", 1e-8), o.integer("warmup_steps", 0), o.real("r", 0), o.real("weight_lr_power", 2)));
            case "SGDScheduleFree" -> one(ScheduleFree.SGD, lr, o.real("weight_decay", 0), o, named, new ScheduleFree.SgdOptions(o.real("momentum", 0.9),
                    o.integer("warmup_steps", 0), o.real("r", 0), o.real("weight_lr_power", 2)));
            case "gradient_update" -> one(TutorialRules.GradientDescent.RULE, lr, 0, o, named, new TutorialRules.NoOptions());
            case "momentum_update" -> one(TutorialRules.Momentum.RULE, lr, 0, o, named, new TutorialRules.MomentumOptions(o.real("beta")));
            case "rmsprop_update" -> one(TutorialRules.RmsProp.RULE, lr, 0, o, named, new TutorialRules.RmsPropOptions(o.real("alpha"), o.real("epsilon")));
            default -> throw new AssertionError("no mapping for golden optimizer " + name);
        };
    }

    /** One group of every named parameter, with {@code maximize} as the case says. */
    private static <O> Optimizer<O> one(Chain<O> chain, double lr, double weightDecay, Keys o, Map<String, Tensor> named, O options) {
        return new Optimizer<>(chain, List.of(new Optimizer.GroupSpec<>(new ArrayList<>(named.values()), new ArrayList<>(named.keySet()), lr, weightDecay,
                o.flag("maximize"), options)));
    }

    /** Muon's group of the listed hidden matrices and the auxiliary Adam's group of the rest, each with its own options. */
    private static Optimizer<Muon.Options> muon(Keys top, Keys o, Map<String, Tensor> named) {
        Keys m = o.child("muon"), a = o.child("adam");
        List<String> muonNames = new ArrayList<>();
        top.raw("muon_params").forEach(n -> muonNames.add(n.asText()));
        int ns = top.integer("ns_steps", 5);
        double[] b = a.betas(0.9, 0.95);
        double adamLr = a.real("lr", 3e-4);
        Muon.Options opts = new Muon.Options(true, m.real("momentum", 0.95), true, ns, b[0], b[1], a.real("eps", 1e-10), adamLr);
        List<Tensor> mp = new ArrayList<>(), ap = new ArrayList<>();
        List<String> an = new ArrayList<>();
        for (String n : muonNames) {
            mp.add(named.get(n));
        }
        named.forEach((n, p) -> {
            if (!muonNames.contains(n)) {
                ap.add(p);
                an.add(n);
            }
        });
        Optimizer<Muon.Options> opt = new Optimizer<>(Muon.RULE, List.of(
                new Optimizer.GroupSpec<>(mp, muonNames, m.real("lr", 0.02), m.real("weight_decay", 0), false, opts),
                new Optimizer.GroupSpec<>(ap, an, adamLr, a.real("weight_decay", 0), false, opts.withMuon(false))));
        m.requireAllRead();
        a.requireAllRead();
        // Muon's own split of a model's parameters picks the same matrices as the case.
        boolean[] hidden = Muon.hiddenMatrices(new ArrayList<>(named.values()));
        List<String> picked = new ArrayList<>();
        int i = 0;
        for (String n : named.keySet()) {
            if (hidden[i++]) {
                picked.add(n);
            }
        }
        if (!picked.equals(muonNames)) {
            throw new AssertionError("Muon.hiddenMatrices picks " + picked + ", the case lists " + muonNames);
        }
        return opt;
    }

    private static Lbfgs.Options lbfgsOptions(Keys o) {
        int maxIter = o.integer("max_iter", 20);
        String ls = o.text("line_search_fn");
        if (ls != null && !ls.equals("strong_wolfe")) {
            throw new AssertionError("unknown line_search_fn " + ls);
        }
        return new Lbfgs.Options(o.real("lr", 1), maxIter, o.integer("max_eval", maxIter * 5 / 4), o.real("tolerance_grad", 1e-7),
                o.real("tolerance_change", 1e-9), o.integer("history_size", 100), ls != null);
    }

    /** One full-batch step as the golden files define it; returns the loss before the update. */
    static float step(Mlp model, Optimizer<?> opt, Tensor inputs, int[] targets) {
        opt.zeroGrad();
        Tensor loss = F.nllLoss(model.forward(inputs), targets);
        loss.backward();
        opt.step();
        return loss.item();
    }

    /** The closure of an L-BFGS step: zero the gradients, the loss, backward. */
    static Optimizer.Closure closure(Mlp model, Tensor inputs, int[] targets) {
        return () -> {
            for (Tensor p : model.parameters()) {
                p.clearGrad();
            }
            Tensor loss = F.nllLoss(model.forward(inputs), targets);
            loss.backward();
            return loss.item();
        };
    }

    static Mlp model(JsonNode root) {
        return Golden.model(root);
    }
}
