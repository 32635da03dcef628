#!/usr/bin/env bats
# make install and make uninstall, staged under DESTDIR with a PREFIX.

load helper

# The binary make installs: under make valgrind $ITSM is a wrapper script,
# which make would otherwise relink (it is the target of the binary's
# rule) and install.
installed_itsm() {
	printf '%s\n' "${ITSM_REAL:-$ITSM}"
}

@test "make install puts the binary, pages, completions and examples under DESTDIR/PREFIX" {
	local root="$BATS_TEST_TMPDIR/root"
	run make -s -C "$TOP" install DESTDIR="$root" PREFIX=/opt/itsm ITSM="$(installed_itsm)"
	assert_status 0
	[ -x "$root/opt/itsm/bin/itsm" ]
	run "$root/opt/itsm/bin/itsm" --version
	assert_status 0
	for page in "$TOP"/man/*.1; do
		[ -f "$root/opt/itsm/share/man/man1/$(basename "$page")" ]
	done
	for page in "$TOP"/man/*.5; do
		[ -f "$root/opt/itsm/share/man/man5/$(basename "$page")" ]
	done
	for page in "$TOP"/man/*.8; do
		[ -f "$root/opt/itsm/share/man/man8/$(basename "$page")" ]
	done
	[ -f "$root/opt/itsm/share/bash-completion/completions/itsm" ]
	[ -f "$root/opt/itsm/share/zsh/vendor-completions/_itsm" ]
	[ -f "$root/opt/itsm/share/fish/vendor_completions.d/itsm.fish" ]
	[ -x "$root/opt/itsm/share/doc/itsm/examples/hooks/post-escalate" ]
	# Nothing outside PREFIX.
	[ "$(ls "$root")" = opt ]
}

@test "make uninstall removes everything make install put there" {
	local root="$BATS_TEST_TMPDIR/root"
	make -s -C "$TOP" install DESTDIR="$root" PREFIX=/usr ITSM="$(installed_itsm)"
	[ -n "$(find "$root" -type f)" ]
	run make -s -C "$TOP" uninstall DESTDIR="$root" PREFIX=/usr
	assert_status 0
	assert_output ""
	[ -z "$(find "$root" -type f)" ]
}
