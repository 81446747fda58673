-- A gift of a pass tier (one payment): the pass's own access, fixed when it is
-- bought. A gift holds either months (a monthly or yearly tier) or, with months
-- null, a pass: access_days days of it, or for life when that is null too.
ALTER TABLE gifts
    ALTER COLUMN months DROP NOT NULL,
    ADD COLUMN access_days INTEGER CHECK (access_days BETWEEN 1 AND 3650),
    ADD CONSTRAINT gifts_months_or_pass CHECK (months IS NULL OR access_days IS NULL);
