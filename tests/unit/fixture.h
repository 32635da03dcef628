/*
 * The fixture of the unit tests that work tickets through the library: a
 * store on a new database in its own temporary directory, the embedded
 * default policy, and a context over them, hooks off. A test that asks
 * for service figures keeps them in stats; teardown frees them.
 *
 * Included by one test file each, after cmocka.h and itsm/itsm.h.
 */
#ifndef ITSM_TEST_FIXTURE_H
#define ITSM_TEST_FIXTURE_H

struct fx {
	char dir[64], db[96];
	itsm_store *store;
	itsm_policy *policy;
	itsm_ctx *ctx;
	itsm_stats *stats;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int fd;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/itsm-unit.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	*state = f;
	/*
	 * The file first (an empty file is a new database): tests read and
	 * write it through connections of their own too, and a store opened
	 * on no file would make it only at its first change.
	 */
	if ((fd = open(f->db, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0 || close(fd) != 0)
		return -1;
	if (itsm_policy_load_file(&f->policy, NULL) != 0 ||
	    itsm_store_open(&f->store, f->db, 0) != 0 ||
	    itsm_ctx_new(&f->ctx, f->store, f->policy) != 0)
		return -1;
	itsm_ctx_set_hooks(f->ctx, 0);
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char path[128];

	itsm_stats_free(f->stats);
	itsm_ctx_free(f->ctx);
	itsm_store_close(f->store);
	itsm_policy_free(f->policy);
	unlink(f->db);
	snprintf(path, sizeof(path), "%s-wal", f->db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", f->db);
	unlink(path);
	rmdir(f->dir);
	free(f);
	return 0;
}

#endif
