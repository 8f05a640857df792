package dev.pfgm.launcher.cli;

import dev.pfgm.worker.WorkerMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pfgm worker: one more worker joining a running stack. */
@Command(name = "worker", description = "start a worker that joins a stack (--env DIR/stack.env)",
        footer = {"Joins the stack whose settings are in the file (written by ./pfgm up), or configured by PFGM_*",
            "environment variables; Ctrl-C stops it and hands a running job back to the queue."})
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--env", paramLabel = "DIR/stack.env", description = "the stack's settings")
    Path env;

    @Override
    public Integer call() throws Exception {
        return WorkerMain.run(env == null ? new String[0] : new String[] {"--env", env.toString()});
    }
}
