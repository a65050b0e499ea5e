// Part 8: the challenge. Beat the benchmark: the MLP 784-200-100-50-10 trained with Adam (lr 1e-3,
// batch 64) for 2 epochs from seed 2021. Trainer's defaults are exactly that recipe.

var mnist = Datasets.mnist(true);
var parts = Datasets.split(mnist.train(), 2021, 50_000, 10_000);

var benchmark = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
Trainer.builder(benchmark, parts.get(0)).validation(parts.get(1)).build().fit();
var benchmarkTest = Evaluator.evaluate(benchmark, mnist.test(), 1000);
System.out.printf("benchmark: test accuracy %.2f%% (loss %.4f)%n", 100 * benchmarkTest.accuracy(), benchmarkTest.loss());

// A challenger within the same budget (the same model, data and 2 epochs): a larger peak learning
// rate that the one-cycle schedule warms up to and anneals from (Smith & Topin, 2017).
var challenger = Mlp.of(784, List.of(200, 100, 50), 10, 2021);
var adam = Adam.adam(challenger.parameters(), 1e-3, 0, Adam.Options.defaults());
var oneCycle = new LrScheduler(adam, Schedule.OneCycleLr.of(3e-3, 2 * 782));
Trainer.builder(challenger, parts.get(0)).validation(parts.get(1)).optimizer(adam).scheduler(oneCycle).log(null).build().fit();
var challengerTest = Evaluator.evaluate(challenger, mnist.test(), 1000);
System.out.printf("challenger (one-cycle, peak lr 3e-3): test accuracy %.2f%% (loss %.4f)%n", 100 * challengerTest.accuracy(), challengerTest.loss());
System.out.printf("%s by %.2f points%n", challengerTest.accuracy() > benchmarkTest.accuracy() ? "the challenger wins" : "the benchmark holds",
        100 * Math.abs(challengerTest.accuracy() - benchmarkTest.accuracy()));
