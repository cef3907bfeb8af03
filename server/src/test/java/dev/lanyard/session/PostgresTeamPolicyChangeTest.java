package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** Policy changes on PostgreSQL, where other nodes hear of them by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresTeamPolicyChangeTest extends TeamPolicyChangeTest {
}
