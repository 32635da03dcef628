#!/bin/sh
# Makes /etc/itsm/config.yaml from lib/default.yaml: the policy compiled
# into itsm, word for word, under a header saying what the file is, and a
# database section naming the team database.
set -eu
cat <<'HEAD'
# /etc/itsm/config.yaml: the itsm policy of this machine (itsm.yaml(5)).
#
# itsm reads it when a user has no policy of their own (--config,
# ITSM_CONFIG, ~/.config/itsm/config.yaml come first).  As shipped it is
# the policy compiled into itsm (`itsm config show` prints it with every
# default filled in), plus the database section at the end: the team
# database that the technicians, cron and the itsm-sweep timer share.
# Edit it for your service desk; `itsm config check /etc/itsm/config.yaml`
# validates it.  The package keeps your changes on upgrade (a conffile).
HEAD
# The embedded policy without its own two-line header.
sed '1,2{/^#/d}' "$1"
cat <<'TAIL'

# The team database (itsm.yaml(5), database): one SQLite file in
# /var/lib/itsm, created readable and writable by the group itsm.  Add
# each technician to that group (adduser NAME itsm); or name a PostgreSQL
# database here (url: postgresql://HOST/itsm).
database:
  url: /var/lib/itsm/itsm.db
  share: group
TAIL
