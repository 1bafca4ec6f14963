package dev.sbx.egress;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.HostResolver;
import dev.sbx.egress.policy.AddressGuard;
import dev.sbx.egress.policy.EgressPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * From an allowed target to the one address to dial: resolves the name once (off the network
 * threads), runs every answer through the {@link AddressGuard}, and returns the vetted address.
 */
final class Destinations {

  sealed interface Outcome {}

  record Dial(InetSocketAddress address) implements Outcome {}

  record Refused(String rule, String addressClass) implements Outcome {}

  record Unresolvable(String message) implements Outcome {}

  private final HostResolver resolver;
  private final ExecutorService pool;
  private final Supplier<AddressGuard> guard;
  private final Duration timeout;

  Destinations(HostResolver resolver, ExecutorService pool, Supplier<AddressGuard> guard, Duration timeout) {
    this.resolver = resolver;
    this.pool = pool;
    this.guard = guard;
    this.timeout = timeout;
  }

  CompletableFuture<Outcome> resolve(Authority target, EgressPolicy policy) {
    if (target.host().isIp()) {
      return CompletableFuture.completedFuture(check(List.of(target.host().address()), target, policy));
    }
    String name = target.host().value();
    return CompletableFuture.supplyAsync(() -> {
          try {
            return check(List.copyOf(resolver.resolve(name)), target, policy);
          } catch (UnknownHostException e) {
            return (Outcome) new Unresolvable("could not resolve " + name);
          }
        }, pool)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> new Unresolvable(
            (e instanceof TimeoutException || e.getCause() instanceof TimeoutException)
                ? "resolving " + name + " timed out" : "could not resolve " + name));
  }

  private Outcome check(List<InetAddress> answers, Authority target, EgressPolicy policy) {
    if (answers.isEmpty()) {
      return new Unresolvable("no addresses for " + target.host());
    }
    AddressGuard.Verdict v = guard.get().check(answers, target.port(), policy);
    if (v instanceof AddressGuard.Pass p) {
      return new Dial(new InetSocketAddress(p.address(), target.port()));
    }
    AddressGuard.Refuse r = (AddressGuard.Refuse) v;
    return new Refused(r.rule(), r.addressClass());
  }
}
