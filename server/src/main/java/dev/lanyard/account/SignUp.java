package dev.lanyard.account;

/**
 * What a newcomer gives to create a team and its first admin, and the client address it comes from (sign-ups
 * are throttled per address). Validated by {@link Accounts}.
 */
public record SignUp(String email, String password, String name, String team, String address) {
}
