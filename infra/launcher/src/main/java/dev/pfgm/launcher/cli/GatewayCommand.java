package dev.pfgm.launcher.cli;

import dev.pfgm.gateway.GatewayMain;

/** ./pfgm gateway: one more gateway serving a running stack. */
public final class GatewayCommand implements Command {
    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public String summary() {
        return "start a gateway that serves a stack (--env DIR/stack.env --port N)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm gateway [--env DIR/stack.env] [--port N]",
                "  serves the HTTP API of the stack whose settings are in the file (written by ./pfgm up), or",
                "  configured by PFGM_* environment variables; --port replaces the file's port (0: any free",
                "  port). Gateways share only the database, broker and store: run as many as you like behind",
                "  a load balancer. Ctrl-C stops it; jobs it accepted are not affected.");
    }

    @Override
    public void run(String[] argv) throws Exception {
        int code = GatewayMain.run(argv);
        if (code != 0) {
            System.exit(code);
        }
    }
}
