package dev.descent.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.Surface2D;
import dev.descent.analysis.TestSurfaces;
import dev.descent.analysis.Trajectory2D;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Adam;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.RmsProp;
import dev.descent.optim.Sgd;
import dev.descent.optim.TutorialRules;

/**
 * The optimizer playground: a 2-D function sampled on a grid for the page's contours, and the paths
 * of up to four optimizers run by the library itself ({@link Trajectory2D} over the same
 * {@code Optimizer} code as training).
 */
final class Playground {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int GRID = 81;
    static final int MAX_STEPS = 2000;
    static final List<String> OPTIMIZERS = List.of("gd", "momentum", "nesterov", "rmsprop", "adagrad", "adam");

    /** A function with the window it is drawn in and a default start. */
    record Scene(Surface2D f, double xMin, double xMax, double yMin, double yMax, double x0, double y0, double fMin) {
    }

    private Playground() {
    }

    static Scene scene(String fn, double kappa) {
        return switch (fn) {
            case "quadratic" -> new Scene(quadratic(kappa), -5, 5, -3, 3, -4.5, 2.0, 0);
            case "rosenbrock" -> new Scene(new TestSurfaces.Rosenbrock(), -2, 2, -1, 3, -1.5, 2.5, 0);
            case "himmelblau" -> new Scene(new TestSurfaces.Himmelblau(), -5, 5, -5, 5, -0.3, -0.8, 0);
            default -> throw BadRequest.invalid("unknown function '" + fn + "' (known: quadratic, rosenbrock, himmelblau)");
        };
    }

    private static Surface2D quadratic(double kappa) {
        try {
            return new TestSurfaces.Quadratic(kappa);
        } catch (IllegalArgumentException e) {
            throw BadRequest.invalid("kappa: " + e.getMessage());
        }
    }

    /**
     * One optimizer from a spec such as {@code adam:lr=0.1,beta1=0.9}: knobs lr, momentum (momentum,
     * nesterov), alpha (rmsprop), beta1 and beta2 (adam).
     */
    static OptimizerSpec<?> optimizer(String spec) {
        String[] parts = spec.split(":", 2);
        String name = parts[0].trim();
        double lr = 0.1, momentum = 0.9, alpha = 0.99, beta1 = 0.9, beta2 = 0.999;
        if (parts.length == 2 && !parts[1].isBlank()) {
            for (String kv : parts[1].split(",")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2) {
                    throw BadRequest.invalid("optimizer '" + spec + "': expected KNOB=VALUE, got '" + kv + "'");
                }
                double v = number("optimizer knob " + p[0], p[1]);
                switch (p[0].trim()) {
                    case "lr" -> lr = v;
                    case "momentum" -> momentum = v;
                    case "alpha" -> alpha = v;
                    case "beta1" -> beta1 = v;
                    case "beta2" -> beta2 = v;
                    default -> throw BadRequest.invalid("optimizer '" + spec + "': unknown knob '" + p[0] + "' (known: lr, momentum, alpha, beta1, beta2)");
                }
            }
        }
        try {
            return switch (name) {
                case "gd" -> new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, lr, 0, new TutorialRules.NoOptions());
                case "momentum" -> new OptimizerSpec<>(Sgd.RULE, lr, 0, new Sgd.Options(momentum, 0, false));
                case "nesterov" -> new OptimizerSpec<>(Sgd.RULE, lr, 0, new Sgd.Options(momentum, 0, true));
                case "rmsprop" -> new OptimizerSpec<>(RmsProp.RULE, lr, 0, new RmsProp.Options(alpha, 1e-8, 0, false));
                case "adagrad" -> new OptimizerSpec<>(Adagrad.RULE, lr, 0, new Adagrad.Options(0, 0, 1e-10));
                case "adam" -> new OptimizerSpec<>(Adam.ADAM, lr, 0, new Adam.Options(beta1, beta2, 1e-8, false));
                default -> throw BadRequest.invalid("unknown optimizer '" + name + "' (known: " + String.join(", ", OPTIMIZERS) + ")");
            };
        } catch (IllegalArgumentException e) {
            throw BadRequest.invalid("optimizer '" + spec + "': " + e.getMessage());
        }
    }

    static double number(String what, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isFinite(v)) {
                throw BadRequest.invalid(what + " must be a finite number, got '" + text + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw BadRequest.invalid(what + " must be a number, got '" + text + "'");
        }
    }

    /** The grid and the trajectories for a request's parameters. */
    static ObjectNode compute(Map<String, List<String>> q) {
        String fn = first(q, "fn", "quadratic");
        double kappa = number("kappa", first(q, "kappa", "10"));
        Scene s = scene(fn, kappa);
        int steps = (int) number("steps", first(q, "steps", "100"));
        if (steps < 1 || steps > MAX_STEPS) {
            throw BadRequest.invalid("steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        double x0 = number("x0", first(q, "x0", Double.toString(s.x0())));
        double y0 = number("y0", first(q, "y0", Double.toString(s.y0())));
        List<String> opts = q.getOrDefault("opt", List.of("gd:lr=0.1"));
        if (opts.isEmpty() || opts.size() > 4) {
            throw BadRequest.invalid("give 1 to 4 optimizers (opt=NAME:lr=…), got " + opts.size());
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("fn", fn);
        ArrayNode win = r.putArray("window");
        win.add(s.xMin()).add(s.xMax()).add(s.yMin()).add(s.yMax());
        double[] xs = new double[GRID];
        double[] ys = new double[GRID];
        for (int i = 0; i < GRID; i++) {
            xs[i] = s.xMin() + (s.xMax() - s.xMin()) * i / (GRID - 1);
            ys[i] = s.yMin() + (s.yMax() - s.yMin()) * i / (GRID - 1);
        }
        double[][] z = s.f().grid(xs, ys);
        ArrayNode zs = r.putArray("z");
        for (double[] row : z) {
            ArrayNode a = zs.addArray();
            for (double v : row) {
                a.add(v);
            }
        }
        r.put("f_min", s.fMin());
        ArrayNode tr = r.putArray("trajectories");
        for (String o : opts) {
            Trajectory2D t = Trajectory2D.run(s.f(), optimizer(o), x0, y0, steps);
            ObjectNode n = tr.addObject();
            n.put("optimizer", o);
            ArrayNode px = n.putArray("x");
            ArrayNode py = n.putArray("y");
            for (int i = 0; i < t.x().length; i++) {
                if (!Double.isFinite(t.x()[i]) || !Double.isFinite(t.y()[i])) {
                    break;
                }
                px.add(t.x()[i]);
                py.add(t.y()[i]);
            }
            double last = t.loss()[t.loss().length - 1];
            if (Double.isFinite(last)) {
                n.put("final_loss", last);
            } else {
                n.putNull("final_loss");
            }
            n.put("diverged", t.diverged());
        }
        return r;
    }

    private static String first(Map<String, List<String>> q, String key, String dflt) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() ? dflt : v.get(0);
    }
}
