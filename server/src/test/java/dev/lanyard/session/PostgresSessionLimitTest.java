package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The session limit on PostgreSQL, where two sign-ins of one member at once run in parallel until the member's row lock. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSessionLimitTest extends SessionLimitTest {
}
