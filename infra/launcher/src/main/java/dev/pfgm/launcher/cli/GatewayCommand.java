package dev.pfgm.launcher.cli;

import dev.pfgm.gateway.GatewayMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pfgm gateway: one more gateway serving a running stack. */
@Command(name = "gateway", description = "start a gateway that serves a stack (--env DIR/stack.env --port N)",
        footer = {"Serves the HTTP API of the stack whose settings are in the file (written by ./pfgm up), or",
            "configured by PFGM_* environment variables. Gateways share only the database, broker and store: run",
            "as many as you like behind a load balancer. Ctrl-C stops it; jobs it accepted are not affected."})
public final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--env", paramLabel = "DIR/stack.env", description = "the stack's settings")
    Path env;

    @Option(names = "--port", paramLabel = "N", description = "replaces the file's port (0: any free port)")
    String port;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        if (env != null) {
            args.addAll(List.of("--env", env.toString()));
        }
        if (port != null) {
            args.addAll(List.of("--port", port));
        }
        return GatewayMain.run(args.toArray(String[]::new));
    }
}
