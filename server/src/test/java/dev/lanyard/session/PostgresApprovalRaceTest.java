package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same races on PostgreSQL, where the two can run at once on two nodes. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresApprovalRaceTest extends ApprovalRaceTest {
}
