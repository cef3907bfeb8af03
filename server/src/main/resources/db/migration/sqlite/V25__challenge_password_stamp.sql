-- The stamp of the password a sign-in's first step checked (Accounts.PasswordChecked): its second step starts a
-- session only if that is still the member's password, so a challenge begun before a password change cannot
-- outlive it (docs/decisions/0022, addendum of 2026-12-04). Empty for challenges begun before.
ALTER TABLE sign_in_challenges ADD COLUMN password_stamp TEXT NOT NULL DEFAULT '';
