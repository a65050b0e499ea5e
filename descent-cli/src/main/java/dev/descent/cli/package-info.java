/**
 * The {@code descent} program: one picocli class per command, the options that several share, and
 * {@code descent shell} (JShell with the library). Strings from the command line become typed
 * settings here, at the edge; the library never sees them.
 *
 * <p>Depends on descent-core, descent-plot and descent-web; nothing depends on it.
 */
package dev.descent.cli;
