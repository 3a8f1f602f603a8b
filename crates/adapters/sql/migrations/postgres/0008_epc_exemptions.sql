-- An EPC's registered minimum-energy-efficiency exemption, as the operator confirms it: until it
-- ends, an F or G rating is lawful.

ALTER TABLE documents ADD COLUMN confirmed_exemption_expiry_date DATE;
