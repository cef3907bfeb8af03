package dev.lanyard.risk;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/**
 * The same on PostgreSQL, where a failed statement aborts the whole transaction: the assessment's
 * savepoint is what keeps a failing assessment from failing the sign-in there.
 */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSuspiciousSessionsWebTest extends SuspiciousSessionsWebTest {
}
