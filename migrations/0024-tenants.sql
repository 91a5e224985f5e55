-- Organisations as tenants: every token and account belongs to an
-- organisation, and reaches that organisation and the organisations
-- under it (a city and its county bureaus).  An organisation NULL is the
-- deployment's own operator (全部单位), made only on purpose (`--org 全部`).
--
-- Tokens of an office, and tokens acting for a person, take their
-- organisation from the office or the person (a trigger below), so the
-- organisation cannot disagree with the office.

ALTER TABLE account ADD COLUMN org_id bigint REFERENCES organisation (id);
ALTER TABLE api_token ADD COLUMN org_id bigint REFERENCES organisation (id);
CREATE INDEX account_org ON account (org_id);
CREATE INDEX organisation_parent ON organisation (parent_id);

-- Existing rows: from the office; else the one top-level organisation
-- when the deployment has exactly one; else left for everyone
-- (全部单位), as they reached before.
UPDATE account a SET org_id = o.org_id FROM office o WHERE o.id = a.office_id;
UPDATE account a SET org_id = (SELECT min(id) FROM organisation WHERE parent_id IS NULL)
 WHERE a.org_id IS NULL
   AND (SELECT count(*) FROM organisation WHERE parent_id IS NULL) = 1;
UPDATE api_token t SET org_id = o.org_id FROM office o WHERE o.id = t.office_id;
UPDATE api_token t SET org_id = a.org_id FROM account a
 WHERE a.id = t.account_id AND t.office_id IS NULL;
UPDATE api_token t SET org_id = (SELECT min(id) FROM organisation WHERE parent_id IS NULL)
 WHERE t.org_id IS NULL AND t.account_id IS NULL
   AND (SELECT count(*) FROM organisation WHERE parent_id IS NULL) = 1;

CREATE FUNCTION account_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.office_id IS NOT NULL THEN
		SELECT o.org_id INTO NEW.org_id FROM office o WHERE o.id = NEW.office_id;
	END IF;
	RETURN NEW;
END
$$;
CREATE FUNCTION api_token_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.account_id IS NOT NULL THEN
		SELECT a.org_id INTO NEW.org_id FROM account a WHERE a.id = NEW.account_id;
	END IF;
	IF NEW.office_id IS NOT NULL THEN
		SELECT o.org_id INTO NEW.org_id FROM office o WHERE o.id = NEW.office_id;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER account_tenant BEFORE INSERT OR UPDATE OF office_id, org_id ON account
	FOR EACH ROW EXECUTE FUNCTION account_tenant();
CREATE TRIGGER api_token_tenant BEFORE INSERT OR UPDATE OF office_id, org_id, account_id
	ON api_token FOR EACH ROW EXECUTE FUNCTION api_token_tenant();

-- An organisation never sits under itself.
CREATE FUNCTION organisation_no_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.parent_id IS NOT NULL AND EXISTS (
	    WITH RECURSIVE up(id) AS (
		SELECT NEW.parent_id
		UNION SELECT o.parent_id FROM organisation o JOIN up ON o.id = up.id
		 WHERE o.parent_id IS NOT NULL)
	    SELECT 1 FROM up WHERE id = NEW.id) THEN
		RAISE EXCEPTION '单位“%”不能隶属于自己或自己的下级', NEW.name
		    USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER organisation_no_cycle BEFORE INSERT OR UPDATE OF parent_id ON organisation
	FOR EACH ROW EXECUTE FUNCTION organisation_no_cycle();
