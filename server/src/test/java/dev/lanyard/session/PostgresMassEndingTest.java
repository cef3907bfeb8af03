package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same mass endings on PostgreSQL, where each batch also goes out to other nodes by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresMassEndingTest extends MassEndingTest {
}
