// Part 7: putting it all together. The tutorial's eval_model helper and training loop, with its
// [TRAIN] / [VALID] lines and the two-panel figure, on the benchmark model.

var mnist = Datasets.mnist(true);
var parts = Datasets.split(mnist.train(), 2021, 50_000, 10_000);   // random_split: 50,000 / 10,000
var trainLoader = DataLoader.shuffled(parts.get(0), 64, 2022);
var valLoader = DataLoader.shuffled(parts.get(1), 256, 2023);

double accuracy(Tensor logProbs, int[] labels) {
    int[] predicted = logProbs.argmax(1);
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
        if (predicted[i] == labels[i]) {
            correct++;
        }
    }
    return (double) correct / labels.length;
}

// eval_model: mean loss and accuracy over (at most) numBatches batches, without recording gradients.
double[] evalModel(Module model, DataLoader loader, int numBatches) {
    double loss = 0, acc = 0;
    int n = 0;
    try (var noGrad = Grad.off()) {
        for (Batch b : loader) {
            if (n == numBatches) {
                break;
            }
            Tensor preds = model.forward(b.x());
            loss += F.nllLoss(preds, b.y()).item();
            acc += accuracy(preds, b.y());
            n++;
        }
    }
    return new double[] {loss / n, acc / n};
}

// The training loop: zero the gradients, forward, loss, backward, step; log every logFreq steps
// (the mean of those steps) and validate every valFreq steps on 100 batches.
History train(Module model, Optimizer<?> optimizer, int numEpochs, int logFreq, int valFreq) {
    History history = new History();
    int step = 0;
    for (int epoch = 1; epoch <= numEpochs; epoch++) {
        for (Batch b : trainLoader) {
            optimizer.zeroGrad();
            Tensor preds = model.forward(b.x());
            Tensor loss = F.nllLoss(preds, b.y());
            loss.backward();
            optimizer.step();
            step++;
            history.addTrain(epoch, loss.item(), (float) accuracy(preds, b.y()));
            if (step % logFreq == 0) {
                System.out.printf(Locale.ROOT, "[TRAIN] Epoch %d | Iter %d | Loss: %.4f | Acc: %.2f%%%n", epoch, step,
                        history.meanTrainLoss(step - logFreq, step), 100 * history.meanTrainAcc(step - logFreq, step));
            }
            if (step % valFreq == 0) {
                double[] v = evalModel(model, valLoader, 100);
                history.addValidation(step, (float) v[0], (float) v[1]);
                System.out.printf(Locale.ROOT, "[VALID] Epoch %d | Iter %d | Loss: %.4f | Acc: %.2f%%%n", epoch, step, v[0], 100 * v[1]);
            }
        }
    }
    return history;
}

// The benchmark model and optimizer, one epoch.
var model = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
var optimizer = Adam.adam(model.parameters(), 1e-3, 0, Adam.Options.defaults());
History history = train(model, optimizer, 1, 200, 200);
double[] test = evalModel(model, DataLoader.ordered(mnist.test(), 1000), Integer.MAX_VALUE);
System.out.printf(Locale.ROOT, "test loss %.4f, test accuracy %.2f%%%n", test[0], 100 * test[1]);

// The tutorial's figure: loss and accuracy against iteration, train and validation.
Path out = Path.of(System.getProperty("descent.tutorial.out", "runs/tutorial"));
Files.createDirectories(out);
var figure = Charts.curves(history).save(out.resolve("07-curves.png"));
System.out.println("figure: " + out.relativize(figure) + " (" + history.steps() + " steps, " + history.validations() + " validations)");
