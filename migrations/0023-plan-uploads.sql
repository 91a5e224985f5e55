-- Plans loaded from the general office's page (POST /api/v1/plans/load).
-- duband also loads its plans directory at start and on SIGHUP; a plan
-- the general office has since loaded anew from the page is not put back
-- to the directory's older file (duban_load_directory skips it, and says
-- so).  Loading a file explicitly (`duban plan load`) makes the file the
-- plan's source again.
ALTER TABLE plan ADD COLUMN uploaded_at timestamptz;
ALTER TABLE plan ADD COLUMN uploaded_by text;
