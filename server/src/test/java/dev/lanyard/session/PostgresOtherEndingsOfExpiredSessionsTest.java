package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same endings on PostgreSQL, where endings also go out to other nodes by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresOtherEndingsOfExpiredSessionsTest extends OtherEndingsOfExpiredSessionsTest {
}
