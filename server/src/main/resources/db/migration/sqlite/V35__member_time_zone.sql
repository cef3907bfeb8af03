-- The time zone the member's browser reported at their latest sign-in that sent one (a region name such as Asia/Tokyo,
-- never an offset), so that mails give times in it. Unknown (NULL) until then: mails say UTC, as before.
ALTER TABLE accounts ADD COLUMN time_zone TEXT;
