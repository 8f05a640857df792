package dev.pfgm.launcher.cli;

/** One subcommand of ./pfgm. */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** Usage text for --help. */
    String usage();

    void run(String[] args) throws Exception;
}
