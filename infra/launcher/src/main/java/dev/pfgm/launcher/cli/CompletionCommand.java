package dev.pfgm.launcher.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** ./pfgm completion: bash (and zsh's bashcompinit) completion of commands and options, from the declarations. */
@Command(name = "completion", description = "print a bash completion script: source <(./pfgm completion)",
        footer = "Completes commands and options for both pfgm (on the PATH) and ./pfgm.")
public final class CompletionCommand extends CliCommand {
    @Override
    protected void run() {
        System.out.print(AutoComplete.bash("pfgm", spec.root().commandLine()));
        System.out.println("complete -F _complete_pfgm -o default ./pfgm");
    }
}
