"""Optuna's samplers on Descent's TPE benchmark functions (the peer side of dev.descent.bench.TpeBenchmark,
which defines the same functions in BenchFunctions.java).

usage: python3 optuna_tpe_bench.py SEEDS FIRST_SEED TRIALS FUNCTIONS SAMPLERS
  TRIALS a comma list of checkpoints (one study of the largest runs per seed; the best value at each
  checkpoint is reported), FUNCTIONS and SAMPLERS comma lists.
prints one line per study: "sampler function seed seconds best@t1 best@t2 ..."."""
import math, sys, time, warnings
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")  # multivariate=True is "experimental" in Optuna 3.1

H3_A = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
H3_P = [[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.03815, 0.5743, 0.8828]]
H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H6_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
H_ALPHA = [1.0, 1.2, 3.0, 3.2]
OPTIMIZERS = ["sgd", "momentum", "adam", "rmsprop"]
# per optimizer: the best log10(lr) and the value reached there
MIX_BEST = {"sgd": (-1.0, 0.3), "momentum": (-2.0, 0.1), "adam": (-3.0, 0.0), "rmsprop": (-3.5, 0.2)}


def hartmann(x, a, p):
    return -sum(H_ALPHA[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j]) ** 2 for j in range(len(x)))) for i in range(4))


def objective(func):
    def obj(t):
        if func == "branin":
            x1, x2 = t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15)
            b, c = 5.1 / (4 * math.pi ** 2), 5 / math.pi
            return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10
        if func == "lrwd":
            a = math.log10(t.suggest_float("lr", 1e-6, 1, log=True)) + 3
            b = math.log10(t.suggest_float("wd", 1e-6, 0.1, log=True)) + 4
            return a * a + 0.5 * b * b + 0.3 * a * b
        if func == "hartmann3":
            return hartmann([t.suggest_float("x%d" % i, 0, 1) for i in range(3)], H3_A, H3_P)
        if func == "hartmann6":
            return hartmann([t.suggest_float("x%d" % i, 0, 1) for i in range(6)], H6_A, H6_P)
        if func == "rosenbrock4":
            x = [t.suggest_float("x%d" % i, -5, 10) for i in range(4)]
            return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))
        if func == "logbowl":
            lr = math.log10(t.suggest_float("lr", 1e-5, 1, log=True)) + 2
            batch = math.log2(t.suggest_int("batch", 16, 1024, log=True)) - 6
            m = t.suggest_float("momentum", 0, 0.99) - 0.9
            return lr * lr + 0.25 * batch * batch + 4 * m * m + 0.5 * lr * m
        if func == "mixed":
            opt = t.suggest_categorical("optimizer", OPTIMIZERS)
            best_lr, floor = MIX_BEST[opt]
            lr = math.log10(t.suggest_float("lr", 1e-6, 1, log=True)) - best_lr
            layers = t.suggest_int("layers", 1, 5) - 2
            return floor + 0.5 * lr * lr + 0.05 * layers * layers
        if func == "camel":
            x, y = t.suggest_float("x1", -3, 3), t.suggest_float("x2", -2, 2)
            return (4 - 2.1 * x * x + x ** 4 / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y
        if func == "styblinski4":
            return sum(0.5 * (x ** 4 - 16 * x * x + 5 * x) for x in [t.suggest_float("x%d" % i, -5, 5) for i in range(4)])
        if func == "cond":
            opt = t.suggest_categorical("optimizer", ["sgd", "adam"])
            m = t.suggest_float("momentum", 0, 0.99) - 0.85 if opt == "sgd" else None
            lr = math.log10(t.suggest_float("lr", 1e-5, 1, log=True))
            wd = math.log10(t.suggest_float("wd", 1e-6, 1e-2, log=True))
            if opt == "sgd":
                return 0.05 + (lr + 1.3) ** 2 + 3 * m * m + 0.1 * (wd + 4) ** 2
            return 0.8 * (lr + 3.3) ** 2 + 0.1 * (wd + 5) ** 2
        raise ValueError(func)
    return obj


seeds, first, checkpoints = int(sys.argv[1]), int(sys.argv[2]), [int(v) for v in sys.argv[3].split(",")]
functions, samplers = sys.argv[4].split(","), sys.argv[5].split(",")
for func in functions:
    for name in samplers:
        for seed in range(first, first + seeds):
            sampler = {"tpe": lambda: optuna.samplers.TPESampler(seed=seed),
                       "tpe-mv": lambda: optuna.samplers.TPESampler(seed=seed, multivariate=True),
                       "random": lambda: optuna.samplers.RandomSampler(seed=seed)}[name]()
            study = optuna.create_study(sampler=sampler)
            t0 = time.perf_counter()
            study.optimize(objective(func), n_trials=max(checkpoints))
            secs = time.perf_counter() - t0
            values = [t.value for t in study.trials]
            best = [min(values[:c]) for c in checkpoints]
            print(name, func, seed, "%.4f" % secs, " ".join(repr(b) for b in best), flush=True)
