// Part 4: non-convexity. With a hidden layer the loss is no longer convex: different initial weights
// end in different places. Over-parameterisation helps: wider networks end lower, and closer together.

var mnist = Datasets.mnist(true);
var subset = Minibatch.sample(mnist.train(), 500, new Generator(2021));
Tensor X = subset.x();
int[] y = subset.y();

void gradientUpdate(Tensor loss, List<Tensor> params, double lr) {
    for (Tensor p : params) {
        p.zeroGrad();
    }
    loss.backward();
    try (var noGrad = Grad.off()) {
        for (Tensor p : params) {
            p.copyFrom(p.sub(p.grad().mul((float) lr)));
        }
    }
}

// Full-batch gradient descent on the 500 images; the final training loss.
double train(int width, long seed, int steps, double lr) {
    var model = Mlp.of(784, List.of(width), 10, seed);
    for (int s = 0; s < steps; s++) {
        gradientUpdate(F.nllLoss(model.forward(X), y), model.parameters(), lr);
    }
    try (var noGrad = Grad.off()) {
        return F.nllLoss(model.forward(X), y).item();
    }
}

int[] widths = {2, 8, 32, 128};
long[] seeds = {1, 2, 3, 4};
System.out.printf("%6s %10s %8s %8s %8s   final losses (seeds 1-4, 150 steps, lr 0.1)%n", "hidden", "parameters", "mean", "min", "max");
for (int width : widths) {
    double[] losses = new double[seeds.length];
    for (int i = 0; i < seeds.length; i++) {
        losses[i] = train(width, seeds[i], 150, 0.1);
    }
    var stats = Arrays.stream(losses).summaryStatistics();
    System.out.printf("%6d %,10d %8.4f %8.4f %8.4f   %s%n", width, Mlp.of(784, List.of(width), 10, 0).parameterCount(),
            stats.getAverage(), stats.getMin(), stats.getMax(),
            Arrays.stream(losses).mapToObj(v -> String.format(Locale.ROOT, "%.4f", v)).toList());
}
