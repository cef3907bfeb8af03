package dev.lanyard.account;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same sign-up and sign-in rules on PostgreSQL (the context is shared with {@code PostgresSessionsTest}). */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresAccountsTest extends AccountsTest {
}
