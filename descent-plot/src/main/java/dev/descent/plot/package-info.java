/**
 * Charts as PNG and SVG, for the {@code descent} program and for library users: the tutorial's
 * loss and accuracy curves ({@link dev.descent.plot.Charts#curves}), optimizer comparisons, loss
 * surfaces with optimizer paths, studies and benchmark profiles. Built on XChart (SVG through
 * VectorGraphics2D); files are written under a temporary name and renamed.
 *
 * <p>Depends on descent-core and XChart only; descent-core does not depend on it, so that the
 * library itself needs Jackson alone.
 */
package dev.descent.plot;
