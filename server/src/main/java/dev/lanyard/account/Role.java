package dev.lanyard.account;

/** A member's role in their team. */
public enum Role {
    ADMIN, MEMBER
}
