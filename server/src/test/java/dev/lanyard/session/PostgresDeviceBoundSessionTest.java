package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** Device-bound sessions on PostgreSQL, where a token's replacement reaches the other nodes' caches by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresDeviceBoundSessionTest extends DeviceBoundSessionTest {
}
