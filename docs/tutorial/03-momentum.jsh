// Part 3: poor conditioning, and the tutorial's hand-written momentum_update.

var mnist = Datasets.mnist(true);
var subset = Minibatch.sample(mnist.train(), 500, new Generator(2021));
Tensor X = subset.x();
int[] y = subset.y();

void zeroGrad(List<Tensor> params) {
    for (Tensor p : params) {
        p.zeroGrad();
    }
}

void gradientUpdate(Tensor loss, List<Tensor> params, double lr) {
    zeroGrad(params);
    loss.backward();
    try (var noGrad = Grad.off()) {
        for (Tensor p : params) {
            p.copyFrom(p.sub(p.grad().mul((float) lr)));
        }
    }
}

// momentum_update: v ← −lr·∂loss/∂p + β·v;  p ← p + v. One velocity per parameter.
void momentumUpdate(Tensor loss, List<Tensor> params, List<Tensor> gradVel, double lr, double beta) {
    zeroGrad(params);
    loss.backward();
    try (var noGrad = Grad.off()) {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i), vel = gradVel.get(i);
            vel.copyFrom(p.grad().mul((float) -lr).add(vel.mul((float) beta)));
            p.copyFrom(p.add(vel));
        }
    }
}

// The tutorial's cell: one momentum step (lr 0.1, β 0.9) from a random initial velocity.
var model2 = Mlp.of(784, List.of(), 10, 2021);
var velGen = new Generator(2022);
List<Tensor> initialVel = model2.parameters().stream().map(p -> Tensor.randn(velGen, p.shape())).toList();
System.out.println("The model2 bias before the update is:");
System.out.println(model2.namedParameters().get("main.0.bias"));
momentumUpdate(F.nllLoss(model2.forward(X), y), model2.parameters(), initialVel, 0.1, 0.9);
System.out.println("The model2 bias after the update is:");
System.out.println(model2.namedParameters().get("main.0.bias"));

// Poor conditioning. On f(w) = ½(w₀² + κ·w₁²) the curvatures are 1 and κ (κ is the condition
// number): gradient descent must keep lr below 2/κ for the steep direction, and then crawls along the
// flat one, shrinking w₀ by (1 − 1/κ) a step, so its steps grow like κ. Momentum's grow like √κ; but
// with β 0.9 it never shrinks the error faster than √β ≈ 0.95 a step, so on an easy problem it is
// slower than plain gradient descent.
int stepsToConverge(double kappa, boolean momentum) {
    Tensor w = Tensor.vector(1f, 1f).requiresGrad(true);
    Tensor curvature = Tensor.vector(1f, (float) kappa);
    List<Tensor> vel = List.of(Tensor.zeros(2));
    double lr = 1 / kappa;
    for (int step = 1; step <= 100_000; step++) {
        Tensor f = w.pow(2f).mul(curvature).sum().mul(0.5f);
        if (momentum) {
            momentumUpdate(f, List.of(w), vel, lr, 0.9);
        } else {
            gradientUpdate(f, List.of(w), lr);
        }
        // Converged when f is below 1e-6 of its start, f₀ = (1 + κ)/2.
        if (0.5 * (w.get(0) * w.get(0) + kappa * w.get(1) * w.get(1)) <= 1e-6 * 0.5 * (1 + kappa)) {
            return step;
        }
    }
    return -1;
}

System.out.printf("%6s %8s %17s %15s%n", "κ", "lr = 1/κ", "gradient descent", "momentum (β 0.9)");
for (double kappa : new double[] {1, 10, 100, 1000}) {
    System.out.printf("%6.0f %8.4f %17d %15d%n", kappa, 1 / kappa, stepsToConverge(kappa, false), stepsToConverge(kappa, true));
}

// The linear model on MNIST is poorly conditioned too: at the same learning rate, momentum gets
// further in the same number of full-batch steps.
double loss(Module m) {
    try (var noGrad = Grad.off()) {
        return F.nllLoss(m.forward(X), y).item();
    }
}

var gd = Mlp.of(784, List.of(), 10, 2021);
var mom = Mlp.of(784, List.of(), 10, 2021);
List<Tensor> vel = mom.parameters().stream().map(p -> Tensor.zeros(p.shape())).toList();
System.out.printf("%5s %16s %16s%n", "step", "gradient descent", "momentum (β 0.9)");
for (int step = 1; step <= 100; step++) {
    gradientUpdate(F.nllLoss(gd.forward(X), y), gd.parameters(), 0.05);
    momentumUpdate(F.nllLoss(mom.forward(X), y), mom.parameters(), vel, 0.05, 0.9);
    if (step % 25 == 0) {
        System.out.printf("%5d %16.4f %16.4f%n", step, loss(gd), loss(mom));
    }
}
