package example;

import java.util.List;

import dev.descent.data.Datasets;
import dev.descent.nn.Mlp;
import dev.descent.plot.Charts;
import dev.descent.train.Evaluator;
import dev.descent.train.Trainer;

/** The tutorial's benchmark, in a project that depends on Descent as on any other library. */
public final class HelloDescent {

    private HelloDescent() {
    }

    /** Trains for the number of epochs given (default 2), then prints the test accuracy and saves the curves. */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        var mnist = Datasets.mnist(true);                                     // fetched and checked once, then cached
        var parts = Datasets.split(mnist.train(), 2021, 50_000, 10_000);      // training and validation sets
        var model = Mlp.of(784, List.of(200, 100, 50), 10, 2021);             // prints as PyTorch prints MLP(...)
        var trainer = Trainer.builder(model, parts.get(0)).validation(parts.get(1)).epochs(epochs).build();
        trainer.fit();                                                        // Adam, lr 1e-3, batches of 64; [TRAIN]/[VALID] lines
        var test = Evaluator.evaluate(model, mnist.test(), 1000);
        System.out.printf("test accuracy %.2f%% (loss %.4f)%n", 100 * test.accuracy(), test.loss());
        Charts.curves(trainer.history()).save("target/curves.png");          // the tutorial's two panels
    }
}
