package dev.pfgm.launcher.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command of ./pfgm: its options are its fields; it runs once they are bound and exits 0 unless it throws. */
public abstract class CliCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        DistinctFiles.check(spec.commandLine().getParseResult());
        run();
        return 0;
    }

    protected abstract void run() throws Exception;
}
