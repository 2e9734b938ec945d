"""Names the program agrees on with itself, the disk and the people who run it: file and folder
names inside a data folder, and the environment variables it reads.

Plain strings only and no imports, so the first screen, the backup code and the command line
can use them without loading SQLAlchemy or Qt. Nothing else may spell these.
"""

DB_FILENAME = "parvandeh.sqlite3"
OFFICE_DB_FILENAME = "office.sqlite3"
URL_FILENAME = "database-url.txt"  # written by `parvandeh connect --url`: this PC uses the clinic's server
ATTACHMENTS_DIRNAME = "attachments"
BACKUPS_DIRNAME = "backups"
DRAFTS_DIRNAME = "drafts"
APPLICATION_ID = 0x50525644  # SQLite's application_id: "PRVD", so another program's file is refused

ENV_DATA_DIR = "PARVANDEH_DATA_DIR"          # the data folder (also --data-dir)
ENV_DATABASE_URL = "PARVANDEH_DATABASE_URL"  # a PostgreSQL server instead of the folder's SQLite file
ENV_USER = "PARVANDEH_USER"                  # who the command line signs in as (also --user)
