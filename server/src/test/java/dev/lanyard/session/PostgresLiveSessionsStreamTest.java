package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** Live streams on PostgreSQL, where this node also hears its own endings back by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresLiveSessionsStreamTest extends LiveSessionsStreamTest {
}
