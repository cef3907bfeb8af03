package dev.lanyard.account;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same on PostgreSQL, where the two acceptances can run at once on two nodes. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresInvitationAcceptedTwiceTest extends InvitationAcceptedTwiceTest {
}
