package dev.pfgm.launcher.cli;

import dev.pfgm.worker.WorkerMain;

/** ./pfgm worker: one more worker joining a running stack. */
public final class WorkerCommand implements Command {
    @Override
    public String name() {
        return "worker";
    }

    @Override
    public String summary() {
        return "start a worker that joins a stack (--env DIR/stack.env)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm worker [--env DIR/stack.env]",
                "  joins the stack whose settings are in the file (written by ./pfgm up), or configured by",
                "  PFGM_* environment variables; Ctrl-C stops it and hands a running job back to the queue.");
    }

    @Override
    public void run(String[] argv) throws Exception {
        int code = WorkerMain.run(argv);
        if (code != 0) {
            System.exit(code);
        }
    }
}
