package dev.sbx.schemas.model;

import java.util.List;

/**
 * {@code permissions.network} (v1 {@code network.allowedDomains/deniedDomains}, draft {@code
 * caps.network}): host patterns as written ({@code host}, {@code *.x}, {@code **.x}, {@code
 * host:port}, CIDR, {@code **}). Deny wins at request time. Empty lists = the kit adds nothing.
 */
public record Network(List<String> allow, List<String> deny) {
  public static final Network EMPTY = new Network(List.of(), List.of());

  public Network {
    allow = Copies.list(allow);
    deny = Copies.list(deny);
  }
}
