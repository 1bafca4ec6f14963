package dev.sbx.schemas.model;

/**
 * {@code ports[]} (v1 transitional {@code publishedPorts}): published on an ephemeral loopback port.
 *
 * @param container 1-65535
 * @param protocol {@code tcp} or {@code udp}; null = tcp
 * @param name label; null = none
 */
public record Port(int container, String protocol, String name) {}
