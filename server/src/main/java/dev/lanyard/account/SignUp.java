package dev.lanyard.account;

/** What a newcomer gives to create a team and its first admin. Validated by {@link Accounts}. */
public record SignUp(String email, String password, String name, String team) {
}
