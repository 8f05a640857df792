package dev.pfgm.launcher.cli;

import java.util.concurrent.Callable;

/** A command of ./pfgm: its options are its fields; it runs once they are bound and exits 0 unless it throws. */
public abstract class CliCommand implements Callable<Integer> {
    @Override
    public final Integer call() throws Exception {
        run();
        return 0;
    }

    protected abstract void run() throws Exception;
}
