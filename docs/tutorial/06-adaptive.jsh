// Part 6: adaptive methods. The tutorial's hand-written rmsprop_update, then torch.optim's SGD,
// momentum, RMSprop, Adagrad and Adam on the same MLP.

var mnist = Datasets.mnist(true);
var subset = Minibatch.sample(mnist.train(), 500, new Generator(2021));
Tensor X = subset.x();
int[] y = subset.y();

// rmsprop_update: s ← α·s + (1 − α)·g²;  p ← p − lr·g / √(ε + s). One average of squares per parameter.
void rmspropUpdate(Tensor loss, List<Tensor> params, List<Tensor> gradSq, double lr, double alpha, double epsilon) {
    for (Tensor p : params) {
        p.zeroGrad();
    }
    loss.backward();
    try (var noGrad = Grad.off()) {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i), g = p.grad(), s = gradSq.get(i);
            s.copyFrom(s.mul((float) alpha).add(g.pow(2f).mul((float) (1 - alpha))));
            p.copyFrom(p.sub(g.mul((float) lr).div(s.add((float) epsilon).sqrt())));
        }
    }
}

// The tutorial's cell: the average of squares starts at 1e-6·p, one step with lr 1e-3, α 0.8.
var model3 = Mlp.of(784, List.of(), 10, 2021);
List<Tensor> gradSq = model3.parameters().stream().map(p -> p.detach().mul(1e-6f)).toList();
System.out.println("The model3 bias before the update is:");
System.out.println(model3.namedParameters().get("main.0.bias"));
rmspropUpdate(F.nllLoss(model3.forward(X), y), model3.parameters(), gradSq, 1e-3, 0.8, 1e-8);
System.out.println("The model3 bias after the update is:");
System.out.println(model3.namedParameters().get("main.0.bias"));

// torch.optim's optimizers at their usual learning rates, each training the same MLP (784-100-10,
// same initial weights and batches) for one epoch of 10,000 images in batches of 64.
var parts = Datasets.split(mnist.train(), 2021, 10_000, 50_000);
Map<String, Function<List<Tensor>, Optimizer<?>>> optimizers = new LinkedHashMap<>();
optimizers.put("SGD (lr 0.01)", ps -> Sgd.create(ps, 0.01));
optimizers.put("SGD momentum 0.9 (lr 0.01)", ps -> Sgd.create(ps, 0.01, 0, Sgd.Options.momentum(0.9)));
optimizers.put("RMSprop (lr 0.001)", ps -> RmsProp.create(ps, 1e-3, 0, RmsProp.Options.defaults()));
optimizers.put("Adagrad (lr 0.01)", ps -> Adagrad.create(ps, 1e-2, 0, Adagrad.Options.defaults()));
optimizers.put("Adam (lr 0.001)", ps -> Adam.adam(ps, 1e-3, 0, Adam.Options.defaults()));

System.out.printf("%-28s %26s %9s%n", "optimizer", "train loss (last 50 steps)", "test acc");
for (var entry : optimizers.entrySet()) {
    var model = Mlp.of(784, List.of(100), 10, 2021);
    var trainer = Trainer.builder(model, parts.get(0)).optimizer(entry.getValue().apply(model.parameters())).epochs(1).log(null).build();
    trainer.fit();
    float[] losses = trainer.history().trainLoss();
    double last50 = 0;
    for (int i = losses.length - 50; i < losses.length; i++) {
        last50 += losses[i] / 50.0;
    }
    var test = Evaluator.evaluate(model, mnist.test(), 1000);
    System.out.printf("%-28s %26.4f %8.2f%%%n", entry.getKey(), last50, 100 * test.accuracy());
}
