// Part 1 of the optimization tutorial: set-up and the linear model.
// Run it with ./descent shell docs/tutorial/01-setup.jsh, or type the cells into ./descent shell.

// The data: MNIST's 60,000 training and 10,000 test images, from the cache (fetched and checked the
// first time), as torchvision's MNIST(root, download=True).
var mnist = Datasets.mnist(true);
System.out.printf("MNIST: %,d training and %,d test images of shape %s, %d classes%n",
        mnist.train().size(), mnist.test().size(), Arrays.toString(mnist.train().exampleShape()), mnist.train().numClasses());

// The tutorial works on a random subset of 500 training images, drawn with replacement
// (np.random.choice): X holds the images, y their labels.
var subset = Minibatch.sample(mnist.train(), 500, new Generator(2021));
Tensor X = subset.x();
int[] y = subset.y();
System.out.println("X: " + Arrays.toString(X.shape()) + ", y: " + y.length + " labels, the first ten " + Arrays.toString(Arrays.copyOf(y, 10)));

// The model: the tutorial's MLP with no hidden layer is the linear model (softmax regression).
// PyTorch's names, shapes and initialisation; it prints as PyTorch prints it.
var model = Mlp.of(784, List.of(), 10, 2021);
System.out.println(model);
System.out.printf("%,d parameters%n", model.parameterCount());

// print_params: every parameter by name, as the tutorial prints them.
printParams(model);

// The empirical risk: the mean negative log-likelihood of the log-softmax outputs (F.nll_loss).
Tensor loss = F.nllLoss(model.forward(X), y);
System.out.println("loss: " + loss);

// Before any training the model guesses: accuracy near 10%, loss near ln 10 = 2.3026.
int[] predicted = model.forward(X).argmax(1);
int correct = 0;
for (int i = 0; i < y.length; i++) {
    if (predicted[i] == y[i]) {
        correct++;
    }
}
System.out.printf("accuracy of the untrained model: %.1f%% (ln 10 = %.4f)%n", 100.0 * correct / y.length, Math.log(10));
