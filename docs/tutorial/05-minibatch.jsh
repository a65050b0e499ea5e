// Part 5: full gradients are expensive. The tutorial's sample_minibatch draws examples IID, with
// replacement; a small batch gives a noisy but cheap estimate of the full gradient.

var mnist = Datasets.mnist(true);
var data = Minibatch.sample(mnist.train(), 5_000, new Generator(2021));
Tensor X = data.x();
int[] y = data.y();

// sample_minibatch: num_points indices drawn uniformly with replacement.
Batch sampleMinibatch(Tensor inputs, int[] targets, int numPoints, Generator gen) {
    int[] idx = new int[numPoints];
    int[] batchTargets = new int[numPoints];
    for (int i = 0; i < numPoints; i++) {
        idx[i] = gen.nextInt(targets.length);
        batchTargets[i] = targets[idx[i]];
    }
    return new Batch(inputs.indexSelect(idx), batchTargets);
}

var batch = sampleMinibatch(X, y, 100, new Generator(1));
System.out.println("The input shape is " + Arrays.toString(batch.x().shape()) + " and the target shape is [" + batch.y().length + "]");

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

// The same budget for every batch size: 100,000 examples' gradients (20 passes over the 5,000).
// Small batches take many cheap, noisy steps; the full batch takes 20 exact ones.
System.out.printf("%10s %6s %20s%n", "batch size", "steps", "loss on the 5,000");
for (int size : new int[] {10, 100, 1_000, 5_000}) {
    var model = Mlp.of(784, List.of(), 10, 2021);
    var gen = new Generator(2022);
    int steps = 100_000 / size;
    for (int s = 0; s < steps; s++) {
        Batch b = size == y.length ? new Batch(X, y) : sampleMinibatch(X, y, size, gen);
        gradientUpdate(F.nllLoss(model.forward(b.x()), b.y()), model.parameters(), 0.1);
    }
    try (var noGrad = Grad.off()) {
        System.out.printf("%10d %6d %20.4f%n", size, steps, F.nllLoss(model.forward(X), y).item());
    }
}
