package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The high-security account on PostgreSQL, whose team policy update reads the member's flag as a boolean. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresHighSecurityAccountTest extends HighSecurityAccountTest {
}
