#!/usr/bin/env python3
"""Makes the next start of the app the first of a day (its automatic backup
is due): forgets the last backup's date and removes the backups made by
earlier runs. For .dev/bench-startup.sh only.

  backup-due.py DB [today]   # "today": the backup counts as made today
"""
import datetime
import pathlib
import shutil
import sqlite3
import sys

db = pathlib.Path(sys.argv[1])
conn = sqlite3.connect(db)
if sys.argv[2:] == ["today"]:
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    conn.execute("INSERT INTO app_settings (key, value) VALUES ('backup.last_at', ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (stamp,))
else:
    conn.execute("DELETE FROM app_settings WHERE key = 'backup.last_at'")
    shutil.rmtree(db.parent / "backups", ignore_errors=True)
conn.commit()
conn.close()
