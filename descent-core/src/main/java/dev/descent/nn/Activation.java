package dev.descent.nn;

import dev.descent.tensor.Tensor;

/**
 * The element-wise activations as modules, a closed family: {@code ReLU}, {@code LeakyReLU(0.01)},
 * {@code Tanh}, {@code Sigmoid} and the exact {@code GELU}.
 */
public enum Activation {
    /** max(x, 0). */
    RELU,
    /** x for x > 0, 0.01·x otherwise (PyTorch's default slope). */
    LEAKY_RELU,
    /** tanh(x). */
    TANH,
    /** 1 / (1 + e^−x). */
    SIGMOID,
    /** x·Φ(x), erf form. */
    GELU;

    /** PyTorch's default negative slope of LeakyReLU. */
    public static final float LEAKY_SLOPE = 0.01f;

    /** Applies the activation. */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case RELU -> x.relu();
            case LEAKY_RELU -> x.leakyRelu(LEAKY_SLOPE);
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case GELU -> x.gelu();
        };
    }

    /** This activation as a parameter-free module. */
    public Module module() {
        return new Layer(this);
    }

    /** The activation as a layer in a {@link Sequential}. */
    public static final class Layer extends Module {
        private final Activation activation;

        Layer(Activation activation) {
            this.activation = activation;
        }

        /** Which activation this layer applies. */
        public Activation activation() {
            return activation;
        }

        @Override
        public Tensor forward(Tensor input) {
            return activation.apply(input);
        }

        @Override
        protected String typeName() {
            return switch (activation) {
                case RELU -> "ReLU";
                case LEAKY_RELU -> "LeakyReLU";
                case TANH -> "Tanh";
                case SIGMOID -> "Sigmoid";
                case GELU -> "GELU";
            };
        }

        @Override
        protected String extraRepr() {
            return switch (activation) {
                case LEAKY_RELU -> "negative_slope=" + LEAKY_SLOPE;
                case GELU -> "approximate='none'";
                default -> "";
            };
        }
    }
}
