package dev.lanyard;

/**
 * Marks a refusal because the caller is not an admin of the team. Each module that checks the role
 * says so in its own problem; the web layer tells an admin whose API key lacks the admin scope
 * (which acts as a member, decision 18) what the key lacks, without reading the message.
 */
public interface NotAnAdmin {
}
