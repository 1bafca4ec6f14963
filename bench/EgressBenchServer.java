import dev.sbx.egress.EgressServer;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.RuleSet;
import java.util.Arrays;

/**
 * Runs sbx's egress proxy for bench/egress.sh: {@code java -cp CP EgressBenchServer LISTEN IO_THREADS RULE...}.
 * Prints "listening on HOST:PORT" once ready, then serves until killed.
 */
public class EgressBenchServer {
  public static void main(String[] args) throws Exception {
    RuleSet rules = RuleSet.allowing(Arrays.copyOfRange(args, 2, args.length));
    EgressServer server = EgressServer.start(rules, ListenAddress.parse(args[0]),
        EgressConfig.defaults().withIoThreads(Integer.parseInt(args[1])));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("listening on " + server.address());
    server.awaitClose();
  }
}
