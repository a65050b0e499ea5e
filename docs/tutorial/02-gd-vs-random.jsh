// Part 2: high-dimensional search. Gradient descent against random search, with the tutorial's
// hand-written gradient_update and random_update.

var mnist = Datasets.mnist(true);
var subset = Minibatch.sample(mnist.train(), 500, new Generator(2021));
Tensor X = subset.x();
int[] y = subset.y();

// zero_grad: gradients accumulate until zeroed (PyTorch's semantics).
void zeroGrad(List<Tensor> params) {
    for (Tensor p : params) {
        p.zeroGrad();
    }
}

// gradient_update: p ← p − lr·∂loss/∂p, outside autograd (torch.no_grad()).
void gradientUpdate(Tensor loss, List<Tensor> params, double lr) {
    zeroGrad(params);
    loss.backward();
    try (var noGrad = Grad.off()) {
        for (Tensor p : params) {
            p.copyFrom(p.sub(p.grad().mul((float) lr)));
        }
    }
}

// random_update: p ← p + σ·ε with ε ~ N(0, I), normalised to unit length per parameter if asked.
void randomUpdate(Module model, double noiseScale, boolean normalized, Generator gen) {
    try (var noGrad = Grad.off()) {
        for (Tensor p : model.parameters()) {
            Tensor noise = Tensor.randn(gen, p.shape());
            if (normalized) {
                noise = noise.div(noise.pow(2f).sum().sqrt().item());
            }
            p.copyFrom(p.add(noise.mul((float) noiseScale)));
        }
    }
}

// The tutorial's cell: one gradient step of the linear model with lr 0.1.
var model1 = Mlp.of(784, List.of(), 10, 2021);
System.out.println("The model1 parameters before the update are:");
printParams(model1);
gradientUpdate(F.nllLoss(model1.forward(X), y), model1.parameters(), 0.1);
System.out.println("The model1 parameters after the update are:");
printParams(model1);

// The race: 100 steps of gradient descent (lr 0.5) against random search from the same start.
// Random search keeps a random step only when it lowers the loss (otherwise it undoes it).
double loss(Module m) {
    try (var noGrad = Grad.off()) {
        return F.nllLoss(m.forward(X), y).item();
    }
}

var gd = Mlp.of(784, List.of(), 10, 2021);
var rs = Mlp.of(784, List.of(), 10, 2021);
var noise = new Generator(2022);
double rsLoss = loss(rs);
System.out.printf("%9s %16s %14s%n", "iteration", "gradient descent", "random search");
System.out.printf("%9d %16.4f %14.4f%n", 0, loss(gd), rsLoss);
for (int it = 1; it <= 100; it++) {
    gradientUpdate(F.nllLoss(gd.forward(X), y), gd.parameters(), 0.5);
    Map<String, Tensor> before = new LinkedHashMap<>();
    rs.stateDict().forEach((name, p) -> before.put(name, Tensor.of(p.toArray(), p.shape())));
    randomUpdate(rs, 0.01, false, noise);
    double candidate = loss(rs);
    if (candidate < rsLoss) {
        rsLoss = candidate;
    } else {
        rs.loadStateDict(before);
    }
    if (it % 20 == 0) {
        System.out.printf("%9d %16.4f %14.4f%n", it, loss(gd), rsLoss);
    }
}
// In 7,850 dimensions a random direction is nearly orthogonal to the gradient: random search
// crawls, gradient descent does not.
