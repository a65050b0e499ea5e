// descent shell's start-up: JShell's default imports, then the tutorial's names (as `import torch`
// and friends open the notebook), the same for the REPL and for scripts.
import java.io.*;
import java.math.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.function.*;
import java.util.prefs.*;
import java.util.regex.*;
import java.util.stream.*;
import dev.descent.data.*;
import dev.descent.nn.*;
import dev.descent.nn.Module;
import dev.descent.optim.*;
import dev.descent.optim.schedule.*;
import dev.descent.plot.*;
import dev.descent.tensor.*;
import dev.descent.train.*;

/** The tutorial's print_params: every parameter's name and value, as print(name, param.data). */
void printParams(Module model) {
    model.namedParameters().forEach((name, p) -> System.out.println(name + " " + p.detach()));
}
