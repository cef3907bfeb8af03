package dev.lanyard.session;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/** The same on PostgreSQL, where two batches run at once and other nodes may be running a sign-out. */
@LanyardSpringTest(database = PostgresDatabase.class)
@TestPropertySource(properties = "lanyard.session.sweep-batch=2")
@Import({TeamSignOutResumeTest.Crash.class, TeamSignOutResumeTest.SignInMeanwhile.class})
class PostgresTeamSignOutResumeTest extends TeamSignOutResumeTest {
}
