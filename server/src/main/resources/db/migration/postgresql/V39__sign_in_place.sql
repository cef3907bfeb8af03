-- Where a session signed in, once it is used from another address (outside review: the approval card named where the
-- session is now, not where it signed in). Written by the session's first change of address, from the address and
-- place it had until then; NULL while it is still used from where it signed in (and for a session that moved before
-- this version). Only the address's network is kept (83.45.123.0/24, what the card shows masked), so it needs no
-- reducing after lanyard.privacy.ip-retention; the place is the session's columns' own, without ISP or coordinates.
ALTER TABLE sessions ADD COLUMN sign_in_network TEXT;
ALTER TABLE sessions ADD COLUMN sign_in_city TEXT;
ALTER TABLE sessions ADD COLUMN sign_in_region TEXT;
ALTER TABLE sessions ADD COLUMN sign_in_country TEXT;
ALTER TABLE sessions ADD COLUMN sign_in_country_code TEXT;
ALTER TABLE sessions ADD COLUMN sign_in_local_network BOOLEAN;
