"""Date rules that span two tables, enforced by the database as well as the
forms: a CHECK constraint cannot see another row, so these are triggers.

- a referral is dated on or after the client's date of birth;
- an assessment appointment is offered on or after its referral date (and,
  by the existing CHECK, held on or after the day it was offered).

A violation raises SQLSTATE 23514 (check_violation), which Django reports as
an IntegrityError. Messages carry row ids only, never a client identifier."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION clients_referral_not_before_birth() RETURNS trigger AS $$
BEGIN
    IF NEW.referral_date < (SELECT date_of_birth FROM clients_client WHERE id = NEW.client_id) THEN
        RAISE EXCEPTION 'referral % is dated before the client''s date of birth', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM clients_appointment
               WHERE referral_id = NEW.id AND offered_date < NEW.referral_date) THEN
        RAISE EXCEPTION 'referral % would postdate its appointments', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER clients_referral_not_before_birth
    BEFORE INSERT OR UPDATE OF referral_date, client_id ON clients_referral
    FOR EACH ROW EXECUTE FUNCTION clients_referral_not_before_birth();

CREATE OR REPLACE FUNCTION clients_client_born_before_referrals() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM clients_referral
               WHERE client_id = NEW.id AND referral_date < NEW.date_of_birth) THEN
        RAISE EXCEPTION 'client % would be born after a referral', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER clients_client_born_before_referrals
    BEFORE UPDATE OF date_of_birth ON clients_client
    FOR EACH ROW EXECUTE FUNCTION clients_client_born_before_referrals();

CREATE OR REPLACE FUNCTION clients_appointment_not_before_referral() RETURNS trigger AS $$
BEGIN
    IF NEW.offered_date < (SELECT referral_date FROM clients_referral WHERE id = NEW.referral_id) THEN
        RAISE EXCEPTION 'appointment % is offered before its referral', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER clients_appointment_not_before_referral
    BEFORE INSERT OR UPDATE OF offered_date, referral_id ON clients_appointment
    FOR EACH ROW EXECUTE FUNCTION clients_appointment_not_before_referral();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS clients_appointment_not_before_referral ON clients_appointment;
DROP FUNCTION IF EXISTS clients_appointment_not_before_referral();
DROP TRIGGER IF EXISTS clients_client_born_before_referrals ON clients_client;
DROP FUNCTION IF EXISTS clients_client_born_before_referrals();
DROP TRIGGER IF EXISTS clients_referral_not_before_birth ON clients_referral;
DROP FUNCTION IF EXISTS clients_referral_not_before_birth();
"""


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_access_event")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
