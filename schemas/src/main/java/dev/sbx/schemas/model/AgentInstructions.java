package dev.sbx.schemas.model;

/**
 * {@code agentInstructions:} (v1 {@code agent.aiFilename} + {@code memory}/{@code agentContext}).
 *
 * @param filename the agent's instruction file ({@code CLAUDE.md}, ...); only meaningful on a
 *     sandbox kit; null = none
 * @param content markdown appended for this kit; null = none
 */
public record AgentInstructions(String filename, String content) {}
