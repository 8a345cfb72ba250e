"""Episode rules that span tables, enforced by the database as well as the
forms and the import checks (a CHECK constraint cannot see another row):

an episode starts on or after its referral date, and a referral cannot be
moved after the start of its episode. Messages carry row ids only, never a
client identifier.

That the keyworker works in the episode's service is checked by the forms,
the actions and the import, not here: a keyworker who later leaves the
service must keep the history of the episodes they held, and memberships
change more often than episodes."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION keywork_episode_not_before_referral() RETURNS trigger AS $$
BEGIN
    IF NEW.start_date < (SELECT referral_date FROM clients_referral WHERE id = NEW.referral_id) THEN
        RAISE EXCEPTION 'episode % starts before its referral', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER keywork_episode_not_before_referral
    BEFORE INSERT OR UPDATE OF start_date, referral_id ON keywork_episode
    FOR EACH ROW EXECUTE FUNCTION keywork_episode_not_before_referral();

CREATE OR REPLACE FUNCTION keywork_referral_not_after_episode() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM keywork_episode
               WHERE referral_id = NEW.id AND start_date < NEW.referral_date) THEN
        RAISE EXCEPTION 'referral % would postdate its episode', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER keywork_referral_not_after_episode
    BEFORE UPDATE OF referral_date ON clients_referral
    FOR EACH ROW EXECUTE FUNCTION keywork_referral_not_after_episode();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS keywork_referral_not_after_episode ON clients_referral;
DROP FUNCTION IF EXISTS keywork_referral_not_after_episode();
DROP TRIGGER IF EXISTS keywork_episode_not_before_referral ON keywork_episode;
DROP FUNCTION IF EXISTS keywork_episode_not_before_referral();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("keywork", "0005_tier4_planned_days_not_null"),
        ("clients", "0005_pathway_date_rules"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
