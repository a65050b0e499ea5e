package dev.descent.web;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.analysis.Surface2D;
import dev.descent.analysis.TestSurfaces;
import dev.descent.analysis.Trajectory2D;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.Optimizers;

/**
 * The optimizer playground: a 2-D function sampled on a grid for the page's contours, and the paths
 * of up to four optimizers run by the library itself ({@link Trajectory2D} over the same
 * {@code Optimizer} code as training).
 */
final class Playground {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int GRID = 81;
    static final int MAX_STEPS = 2000;

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
     * One optimizer from a spec such as {@code adam:lr=0.1,beta1=0.9}: any name of the library's
     * registry ({@link Optimizers}) and any of its knobs by PyTorch name (lr, momentum, alpha, beta1,
     * beta2, eps, weight_decay, …); the others keep the registry's defaults.
     */
    static OptimizerSpec<?> optimizer(String spec) {
        String[] parts = spec.split(":", 2);
        Optimizers.Entry entry;
        try {
            entry = Optimizers.get(parts[0].trim());
        } catch (IllegalArgumentException e) {
            throw BadRequest.invalid(e.getMessage());
        }
        Map<Optimizers.Knob, Double> knobs = new EnumMap<>(Optimizers.Knob.class);
        if (parts.length == 2 && !parts[1].isBlank()) {
            for (String kv : parts[1].split(",")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2) {
                    throw BadRequest.invalid("optimizer '" + spec + "': expected KNOB=VALUE, got '" + kv + "'");
                }
                Optimizers.Knob k;
                try {
                    k = Optimizers.Knob.of(p[0].trim());
                } catch (IllegalArgumentException e) {
                    throw BadRequest.invalid("optimizer '" + spec + "': " + e.getMessage() + " (" + entry.name() + " takes: "
                            + String.join(", ", entry.defaults().keySet().stream().map(Optimizers.Knob::key).toList()) + ")");
                }
                knobs.put(k, number("optimizer knob " + p[0], p[1]));
            }
        }
        try {
            return entry.spec(knobs, 0);
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
