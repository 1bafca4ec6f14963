package dev.sbx.vm.agent;

/** What the guest agent said in its {@code HELLO}. {@code ready} = configured on this boot. */
public record GuestHello(int version, String agent, String bootId, boolean ready) {}
