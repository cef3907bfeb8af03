package dev.lanyard.signin;

import dev.lanyard.team.TestMail;
import dev.lanyard.web.LanyardSpringTest;

/** The same confirmed sign-ups on PostgreSQL. */
@LanyardSpringTest(database = TestMail.PostgresConfirmingSignUps.class)
class PostgresSignUpConfirmationTest extends SignUpConfirmationTest {
}
