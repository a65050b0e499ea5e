package dev.descent.tensor;

/**
 * The result of {@link Tensor#max(int, boolean)}: the maxima (differentiable) and their positions
 * along the reduced dimension (first occurrence on ties), as {@code torch.max(x, dim)}.
 */
public record MaxResult(Tensor values, int[] indices) {
}
