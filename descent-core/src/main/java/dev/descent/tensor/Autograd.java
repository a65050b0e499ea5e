package dev.descent.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The tape: how an op's output remembers its inputs and its backward closure, and the reverse pass.
 * The tape knows nothing about specific ops (micrograd's design): each op hands it a closure that
 * reads the output's gradient and <em>accumulates</em> into its inputs' gradients.
 */
final class Autograd {

    /** Pushes the output gradient back into the inputs' gradient buffers. */
    @FunctionalInterface
    interface Backward {
        void apply(float[] gradOut);
    }

    /** The recorded history of one non-leaf tensor. */
    static final class Node {
        final String op;
        final Tensor[] inputs;
        Backward backward;

        Node(String op, Tensor[] inputs, Backward backward) {
            this.op = op;
            this.inputs = inputs;
            this.backward = backward;
        }
    }

    private Autograd() {
    }

    /** Whether an op on these inputs must be recorded. */
    static boolean needsGrad(Tensor... inputs) {
        if (!Grad.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Makes {@code out} the result of {@code op} on {@code inputs}, recording it when any input requires grad. */
    static Tensor record(Tensor out, String op, Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.attach(new Node(op, inputs, backward));
        }
        return out;
    }

    /** The reverse pass from {@code root}, seeded with {@code seed} (root's shape). */
    static void backward(Tensor root, float[] seed, boolean retainGraph) {
        List<Tensor> order = topologicalOrder(root);
        root.accumulateGrad(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Node node = t.node();
            if (node == null) {
                continue;
            }
            float[] g = t.gradBufferOrNull();
            if (g == null) {
                continue;
            }
            if (node.backward == null) {
                throw new IllegalStateException("Trying to backward through the graph a second time (through '" + node.op
                        + "'): its saved values were freed by the first backward(); call backward(true) to retain the graph");
            }
            node.backward.apply(g);
            if (!retainGraph) {
                node.backward = null;
            }
            if (!t.retainsGrad()) {
                t.dropGrad();
            }
        }
    }

    /** Tensors reachable from root that require grad, each after all of its inputs. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        visited.add(root);
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (int) frame[1];
            Node node = t.node();
            Tensor[] inputs = node == null ? new Tensor[0] : node.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
