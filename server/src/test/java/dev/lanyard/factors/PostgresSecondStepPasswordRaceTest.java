package dev.lanyard.factors;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;

/** The same race on PostgreSQL, where the change waits for the member's row, which the second step holds. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSecondStepPasswordRaceTest extends SecondStepPasswordRaceTest {
}
