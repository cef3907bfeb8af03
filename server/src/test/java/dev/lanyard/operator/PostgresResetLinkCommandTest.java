package dev.lanyard.operator;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same on PostgreSQL: the command's own context finds its schema, and its audit entry joins the team's chain there. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresResetLinkCommandTest extends ResetLinkCommandTest {
}
