#!/usr/bin/env bats
# The Debian package (issue 18): make deb builds it once for the file
# (setup_file); lintian passes it; it holds the binary, every page, the
# completions, the examples, the conffile and the units; the units pass
# systemd-analyze verify; it installs into a clean root (dpkg --root, its
# maintainer scripts run outside a chroot, acting on that root only:
# DPKG_ROOT), where the installed itsm, page and bash completion work,
# and its purge leaves nothing there.  Also the cron lines of
# itsm-sweep(8), run as written under cron's environment.
#
# Nothing is installed into the machine's own root.  The package is the
# same whatever the engine: the file runs on SQLite only.

load helper

DEB_DIR=
setup_file() {
	if [ "$ITSM_TEST_ENGINE" = pg ]; then
		return 0
	fi
	if ! command -v dpkg-buildpackage >/dev/null ||
	    ! command -v dh >/dev/null; then
		return 0
	fi
	# The package's own build, from a copy of the tree (make deb): its
	# output is kept for the test that reads it.
	make -s -C "$TOP" deb >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
	    { tail -n 40 "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
	cp "$TOP"/build/deb/itsm_*.deb "$BATS_FILE_TMPDIR/"
}

setup() {
	sqlite_only "the package does not depend on the engine"
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
	    skip "dpkg-buildpackage or dh (dpkg-dev, debhelper) missing: run make deps"
	DEB=$(ls "$BATS_FILE_TMPDIR"/itsm_*_*.deb)
	# The shared set-up: a database, a policy, a home.
	trace_test_only
	export HOME="$BATS_TEST_TMPDIR"
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR COLUMNS TZ \
	    ITSM_NOW ITSM_CONFIG
	export ITSM_DB="$BATS_TEST_TMPDIR/itsm.db"
	export LC_ALL=C.UTF-8
}

# extract: the package's files under $root (dpkg-deb -x, no script run).
extract() {
	root=$BATS_TEST_TMPDIR/root
	mkdir -p "$root"
	dpkg-deb -x "$DEB" "$root"
}

@test "make deb builds itsm_VERSION_ARCH.deb into build/deb, nothing left in debian/" {
	local version
	version=$("$ITSM" --version | awk '{print $NF}')
	[[ ${DEB##*/} == itsm_${version}_$(dpkg --print-architecture).deb ]] ||
	    { echo "package ${DEB##*/}, version $version" >&2; return 1; }
	# The unit tests ran (cmocka's lines), unless nocheck was asked for.
	if [[ " ${DEB_BUILD_OPTIONS-} " != *" nocheck "* ]]; then
		grep -q "PASSED" "$BATS_FILE_TMPDIR/build.log"
	fi
	# dpkg-buildpackage ran in the copy: nothing of its in debian/, and
	# the copy is gone.
	for f in files itsm .debhelper debhelper-build-stamp itsm.substvars; do
		[ ! -e "$TOP/debian/$f" ] || { echo "left: debian/$f" >&2; return 1; }
	done
	[ ! -e "$TOP/build/deb/src" ]
}

@test "lintian reports no error and no warning" {
	command -v lintian >/dev/null || skip "lintian missing: run make deps"
	run lintian "$DEB"
	echo "$output" >&2
	[[ $output != *"E: "* ]]
	[[ $output != *"W: "* ]]
}

@test "the package holds the binary, pages, completions, examples, conffile and units" {
	local list page
	list=$(dpkg -c "$DEB" | awk '{print $6}')
	for f in ./usr/bin/itsm \
	    ./usr/share/bash-completion/completions/itsm \
	    ./usr/share/zsh/vendor-completions/_itsm \
	    ./usr/share/fish/vendor_completions.d/itsm.fish \
	    ./usr/share/doc/itsm/copyright \
	    ./usr/share/doc/itsm/examples/hooks/post-escalate \
	    ./usr/share/doc/itsm/examples/mail.yaml \
	    ./etc/itsm/config.yaml \
	    ./lib/systemd/system/itsm-sweep.service \
	    ./lib/systemd/system/itsm-sweep.timer \
	    ./usr/lib/sysusers.d/itsm.conf ./usr/lib/tmpfiles.d/itsm.conf; do
		grep -qxF "$f" <<<"$list" || { echo "missing: $f" >&2; return 1; }
	done
	for page in "$TOP"/man/*.[0-9]; do
		page=${page##*/}
		grep -qxF "./usr/share/man/man${page##*.}/$page.gz" <<<"$list" ||
		    { echo "missing page: $page" >&2; return 1; }
	done
	# Nothing in /usr/local, nothing unexpected at the top.
	[ "$(grep -c '^\./usr/local' <<<"$list")" = 0 ]
	# The libraries itsm loads at run time (dlopen), recommended.
	run dpkg-deb -f "$DEB" Recommends
	assert_output "libgmime-3.0-0, libical3, libpq5"
	[ -z "$(dpkg-deb -I "$DEB" conffiles 2>/dev/null | grep -vxF /etc/itsm/config.yaml)" ]
}

@test "/etc/itsm/config.yaml is the embedded default plus the team database, and valid" {
	extract
	local conf=$root/etc/itsm/config.yaml
	run "$ITSM" config check "$conf"
	assert_status 0
	# What it says it is.
	head -n 1 "$conf" | grep -q "^# /etc/itsm/config.yaml: the itsm policy"
	# The policy is the embedded one, but for the database section.
	"$ITSM" --config "$conf" config show >"$BATS_TEST_TMPDIR/shipped"
	"$ITSM" --config "$TOP/lib/default.yaml" config show >"$BATS_TEST_TMPDIR/default"
	# (config show names the file it read on its first line, and prints
	# no database url.)
	sed -i 1d "$BATS_TEST_TMPDIR/default" "$BATS_TEST_TMPDIR/shipped"
	run diff "$BATS_TEST_TMPDIR/default" "$BATS_TEST_TMPDIR/shipped"
	assert_status 1
	assert_output "72c72
< database: {share: owner, busy_timeout: 10s}
---
> database: {share: group, busy_timeout: 10s}"
	grep -qx '  url: /var/lib/itsm/itsm.db' "$conf"
	# And the text of the default policy is there word for word, from
	# its first key on.
	sed -n '/^impact:/,$p' "$TOP/lib/default.yaml" >"$BATS_TEST_TMPDIR/body"
	sed -n '/^impact:/,$p' "$conf" |
	    head -n "$(wc -l <"$BATS_TEST_TMPDIR/body")" >"$BATS_TEST_TMPDIR/copy"
	cmp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/copy"
}

@test "systemd-analyze verifies the units; security prints their exposure" {
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze missing (package systemd): run make deps"
	extract
	# verify checks that ExecStart's program exists and that the
	# Documentation page opens: the extracted binary's path replaces
	# /usr/bin/itsm in a copy, and MANPATH names the extracted pages.
	local units=$BATS_TEST_TMPDIR/units
	mkdir -p "$units"
	sed "s|/usr/bin/itsm|$root/usr/bin/itsm|" \
	    "$root/lib/systemd/system/itsm-sweep.service" >"$units/itsm-sweep.service"
	cp "$root/lib/systemd/system/itsm-sweep.timer" "$units/"
	grep -q '^ProtectSystem=strict$' "$units/itsm-sweep.service"
	grep -q '^ReadWritePaths=/var/lib/itsm$' "$units/itsm-sweep.service"
	grep -q '^NoNewPrivileges=yes$' "$units/itsm-sweep.service"
	grep -q '^User=itsm$' "$units/itsm-sweep.service"
	cd "$units"
	run env MANPATH="$root/usr/share/man" systemd-analyze verify \
	    itsm-sweep.service itsm-sweep.timer
	echo "$output" >&2
	assert_status 0
	assert_output ""
	# security --offline reads the unit file, no running systemd.
	run systemd-analyze security --offline=true itsm-sweep.service
	if [ "$status" != 0 ] || [[ $output != *"Overall exposure level"* ]]; then
		skip "systemd-analyze security --offline cannot run here: $output"
	fi
	grep 'Overall exposure level' <<<"$output" >&3
	[[ $output == *"Overall exposure level for itsm-sweep.service: "[0-2].*" OK"* ]]
}

@test "installed into a clean root: open, man, bash completion; the purge leaves nothing" {
	local root=$BATS_TEST_TMPDIR/clean before after
	mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" \
	    "$root/var/lib/dpkg/triggers" "$root/var/lib/systemd"
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	# The account files: systemd-sysusers --root adds the user itsm.
	touch "$root/etc/passwd" "$root/etc/group" "$root/etc/shadow" \
	    "$root/etc/gshadow"
	before=$(cd "$root" && find . ! -path './var/lib/dpkg/*' | sort)
	# No chroot (the root has no shell): the maintainer scripts run with
	# DPKG_ROOT set, as dpkg's --force-script-chrootless does; the
	# root has none of the libraries (--force-depends).
	run dpkg --root="$root" --force-script-chrootless --force-depends \
	    --log=/dev/null -i "$DEB"
	echo "$output" >&2
	assert_status 0
	grep -q '^itsm:x:[0-9]*:[0-9]*:.*:/var/lib/itsm:/usr/sbin/nologin$' "$root/etc/passwd"
	[ "$(stat -c %a "$root/var/lib/itsm")" = 2770 ]

	# The installed binary, on the installed policy, a database of its own.
	run "$root/usr/bin/itsm" --config "$root/etc/itsm/config.yaml" open \
	    "VPN down" --caller alice --impact medium --urgency high
	assert_status 0
	assert_output "INC-1"
	# Its page, through man.
	run man -l "$root/usr/share/man/man1/itsm.1.gz"
	assert_status 0
	[[ $output == *"ITIL"* ]]
	run man -l "$root/usr/share/man/man8/itsm-sweep.8.gz"
	assert_status 0
	[[ $output == *"PATH=/usr/bin:/bin"* ]]
	# Bash completion through the installed file.
	run env PATH="$root/usr/bin:$PATH" bash --norc --noprofile -c '
		source "$1" || exit 1
		COMP_WORDS=(itsm op); COMP_CWORD=1; COMP_LINE="itsm op"
		COMP_POINT=${#COMP_LINE}
		_itsm
		printf "%s\n" "${COMPREPLY[@]}"' bash \
	    "$root/usr/share/bash-completion/completions/itsm"
	assert_status 0
	assert_output "open"

	run dpkg --root="$root" --force-script-chrootless --force-depends \
	    --log=/dev/null --purge itsm
	echo "$output" >&2
	assert_status 0
	# Nothing left but dpkg's own database and the system user, which
	# Debian keeps (the account files and their backups).
	after=$(cd "$root" && find . ! -path './var/lib/dpkg/*' \
	    ! -name '*-' ! -name .pwd.lock | sort)
	[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; return 1; }
	run dpkg --root="$root" -l itsm
	[ "$status" != 0 ]
}

@test "the purge keeps a team database, and says so" {
	local root=$BATS_TEST_TMPDIR/clean
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" \
	    "$root/var/lib/dpkg/triggers"
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	dpkg --root="$root" --force-script-chrootless --force-depends \
	    --log=/dev/null -i "$DEB" >/dev/null 2>&1
	ITSM_DB=$root/var/lib/itsm/itsm.db run "$root/usr/bin/itsm" \
	    --config "$root/etc/itsm/config.yaml" open "printer jam" \
	    --caller bob --impact low --urgency low
	assert_status 0
	run dpkg --root="$root" --force-script-chrootless --force-depends \
	    --log=/dev/null --purge itsm
	assert_status 0
	[[ $output == *"itsm: /var/lib/itsm is kept: it holds a database"* ]]
	[ -f "$root/var/lib/itsm/itsm.db" ]
	[ ! -e "$root/etc/itsm" ]
}

# The /etc/cron.d/itsm lines of itsm-sweep(8), as the page shows them.
cron_lines() {
	mandoc -T ascii "$TOP/man/itsm-sweep.8" | col -bx |
	    sed -n '/^ *SHELL=\/bin\/sh$/,/itsm notify$/p' | sed 's/^ *//'
}

@test "the cron lines of itsm-sweep(8) work as written under cron's environment" {
	local tab line cmd bin=$BATS_TEST_TMPDIR/bin vars
	tab=$(cron_lines)
	[ "$(grep -c '^\*/5 \* \* \* \* itsm itsm ' <<<"$tab")" = 4 ]
	grep -qx 'PATH=/usr/bin:/bin' <<<"$tab"
	grep -qx 'MAILTO=root' <<<"$tab"
	# The lines assume /usr/bin/itsm and /var/lib/itsm: here the built
	# binary is first on their PATH (a symlink named itsm), the database a
	# file of the test's.
	mkdir -p "$bin"
	ln -s "$ITSM" "$bin/itsm"
	tab=$(sed -e "s|^PATH=/usr/bin:/bin$|PATH=$bin:/usr/bin:/bin|" \
	    -e "s|/var/lib/itsm/|$BATS_TEST_TMPDIR/|" <<<"$tab")
	# A stagnant P1 opened two days ago, resolved P4 ten days ago.
	ITSM_NOW=$(date -u -d '2 days ago' +%FT%TZ) "$ITSM" open "VPN down" \
	    --caller alice --impact high --urgency high >/dev/null
	ITSM_NOW=$(date -u -d '10 days ago' +%FT%TZ) "$ITSM" open "mouse" \
	    --caller bob --impact low --urgency medium >/dev/null
	ITSM_NOW=$(date -u -d '9 days ago' +%FT%TZ) "$ITSM" resolve INC-2 \
	    --permanent -m "new mouse" >/dev/null
	# cron's environment: SHELL, PATH, HOME, LOGNAME, and the crontab's
	# own variables; each command through SHELL -c.
	vars=$(grep -E '^[A-Z_]+=' <<<"$tab")
	run_cron() {
		local out
		while IFS= read -r line; do
			cmd=$(sed -E 's/^([^ ]+ ){5}[^ ]+ //' <<<"$line")
			# shellcheck disable=SC2086
			out=$(env -i HOME="$BATS_TEST_TMPDIR" LOGNAME=itsm $vars \
			    /bin/sh -c "$cmd" 2>&1) || { echo "failed: $cmd: $out"; return 1; }
			[ -z "$out" ] || printf '%s: %s\n' "$cmd" "$out"
		done < <(grep '^\*/5' <<<"$tab")
	}
	run run_cron
	echo "$output" >&2
	assert_status 0
	[[ $output == *"itsm escalate --stagnant --breached: INC-1"*stagnant* ]]
	[[ $output == *"itsm close --auto: INC-2"*closed* ]]
	# The next run has nothing to say: silence, so cron sends no mail.
	run run_cron
	assert_status 0
	assert_output ""
}
