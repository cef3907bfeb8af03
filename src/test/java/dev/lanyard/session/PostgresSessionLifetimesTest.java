package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The sweep and purge on PostgreSQL. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSessionLifetimesTest extends SessionLifetimesTest {
}
