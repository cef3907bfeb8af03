package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same approvals on PostgreSQL. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresApprovingExpiredSessionsTest extends ApprovingExpiredSessionsTest {
}
