package dev.lanyard.web;

import dev.lanyard.testsupport.PostgresDatabase;

/** Crafted input on PostgreSQL, which fails a query with a NUL in a text parameter: it never gets that far. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresStrictInputTest extends StrictInputTest {
}
