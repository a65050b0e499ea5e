package dev.descent.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import dev.descent.tune.Distribution;
import dev.descent.tune.SearchSpace;

/**
 * The functions of the TPE benchmark, each a search space, the function (minimised) and its minimum;
 * {@code optuna_tpe_bench.py} defines the same ones for Optuna. Branin and the lr/wd bowl are the
 * shared functions of the benchmark's protocol; the others are held out, to see that what helps there
 * helps elsewhere: Hartmann-3 and -6, Rosenbrock in 4-D, a 3-D bowl with log scales and a log-scale
 * integer, an optimizer choice whose best learning rate depends on the choice ({@code mixed}), the
 * six-hump camel, Styblinski–Tang in 4-D, and a conditional space ({@code cond}: momentum only for sgd).
 */
final class BenchFunctions {

    /** One benchmark function. */
    record Fn(String name, SearchSpace space, ToDoubleFunction<Map<String, Double>> f, double min) {
    }

    private BenchFunctions() {
    }

    private static SearchSpace.Param real(String n, double lo, double hi, boolean log) {
        return new SearchSpace.Param(n, new Distribution.FloatRange(lo, hi, log), null);
    }

    private static List<SearchSpace.Param> cube(int d, double lo, double hi) {
        List<SearchSpace.Param> l = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            l.add(real("x" + i, lo, hi, false));
        }
        return l;
    }

    private static final double[][] H3A = {{3.0, 10, 30}, {0.1, 10, 35}, {3.0, 10, 30}, {0.1, 10, 35}};
    private static final double[][] H3P = {{0.3689, 0.1170, 0.2673}, {0.4699, 0.4387, 0.7470}, {0.1091, 0.8732, 0.5547}, {0.03815, 0.5743, 0.8828}};
    private static final double[][] H6A = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H6P = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
            {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    /** Per optimizer of {@code mixed}: the best log10(lr) and the value reached there. */
    private static final double[][] MIX = {{-1.0, 0.3}, {-2.0, 0.1}, {-3.0, 0.0}, {-3.5, 0.2}};

    private static double hartmann(Map<String, Double> p, double[][] a, double[][] q) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double e = 0;
            for (int j = 0; j < a[0].length; j++) {
                double d = p.get("x" + j) - q[i][j];
                e += a[i][j] * d * d;
            }
            s -= H_ALPHA[i] * Math.exp(-e);
        }
        return s;
    }

    /** Every function by name, the shared ones first. */
    static final Map<String, Fn> ALL = new LinkedHashMap<>();

    private static void add(String name, List<SearchSpace.Param> space, ToDoubleFunction<Map<String, Double>> f, double min) {
        ALL.put(name, new Fn(name, SearchSpace.of(space), f, min));
    }

    static {
        add("branin", List.of(real("x1", -5, 10, false), real("x2", 0, 15, false)), p -> {
            double x1 = p.get("x1");
            double x2 = p.get("x2");
            double b = 5.1 / (4 * Math.PI * Math.PI);
            double c = 5 / Math.PI;
            return Math.pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
        }, 0.397887357729738);
        add("lrwd", List.of(real("lr", 1e-6, 1, true), real("wd", 1e-6, 0.1, true)), p -> {
            double a = Math.log10(p.get("lr")) + 3;
            double b = Math.log10(p.get("wd")) + 4;
            return a * a + 0.5 * b * b + 0.3 * a * b;
        }, 0);
        add("hartmann3", cube(3, 0, 1), p -> hartmann(p, H3A, H3P), -3.86278214782076);
        add("hartmann6", cube(6, 0, 1), p -> hartmann(p, H6A, H6P), -3.32236801141551);
        add("rosenbrock4", cube(4, -5, 10), p -> {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                double a = p.get("x" + i);
                double b = p.get("x" + (i + 1));
                s += 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
            }
            return s;
        }, 0);
        add("logbowl", List.of(real("lr", 1e-5, 1, true), new SearchSpace.Param("batch", new Distribution.IntRange(16, 1024, true), null),
                real("momentum", 0, 0.99, false)), p -> {
            double lr = Math.log10(p.get("lr")) + 2;
            double b = Math.log(p.get("batch")) / Math.log(2) - 6;
            double m = p.get("momentum") - 0.9;
            return lr * lr + 0.25 * b * b + 4 * m * m + 0.5 * lr * m;
        }, 0);
        add("mixed", List.of(new SearchSpace.Param("optimizer", new Distribution.Categorical(List.of("sgd", "momentum", "adam", "rmsprop")), null),
                real("lr", 1e-6, 1, true), new SearchSpace.Param("layers", new Distribution.IntRange(1, 5, false), null)), p -> {
            double[] m = MIX[(int) (double) p.get("optimizer")];
            double lr = Math.log10(p.get("lr")) - m[0];
            double l = p.get("layers") - 2;
            return m[1] + 0.5 * lr * lr + 0.05 * l * l;
        }, 0);
        add("camel", List.of(real("x1", -3, 3, false), real("x2", -2, 2, false)), p -> {
            double x = p.get("x1");
            double y = p.get("x2");
            return (4 - 2.1 * x * x + x * x * x * x / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y;
        }, -1.031628453489877);
        add("styblinski4", cube(4, -5, 5), p -> {
            double s = 0;
            for (int i = 0; i < 4; i++) {
                double x = p.get("x" + i);
                s += 0.5 * (x * x * x * x - 16 * x * x + 5 * x);
            }
            return s;
        }, -156.66466281508568);
        add("cond", List.of(new SearchSpace.Param("optimizer", new Distribution.Categorical(List.of("sgd", "adam")), null),
                new SearchSpace.Param("momentum", new Distribution.FloatRange(0, 0.99, false), new SearchSpace.Condition("optimizer", Set.of(0))),
                real("lr", 1e-5, 1, true), real("wd", 1e-6, 1e-2, true)), p -> {
            double lr = Math.log10(p.get("lr"));
            double wd = Math.log10(p.get("wd"));
            if (p.get("optimizer") == 0.0) {
                double m = p.get("momentum") - 0.85;
                return 0.05 + (lr + 1.3) * (lr + 1.3) + 3 * m * m + 0.1 * (wd + 4) * (wd + 4);
            }
            return 0.8 * (lr + 3.3) * (lr + 3.3) + 0.1 * (wd + 5) * (wd + 5);
        }, 0);
    }
}
