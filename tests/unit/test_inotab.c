/*
 * test_inotab.c - the (dev, ino) hash map: insert, find, iterate, growth,
 * identity by both dev and ino, and freeing.
 */
#include "unit.h"

#include "hln/inotab.h"

/* Many more entries than the first table holds, to force many growths. */
#define MANY 200000

static int setup(void **state)
{
	struct inotab *t = malloc(sizeof *t);
	if (!t)
		return -1;
	inotab_init(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	inotab_free(*state);
	free(*state);
	return 0;
}

static void test_empty_table(void **state)
{
	struct inotab *t = *state;
	size_t pos = 0;
	assert_null(inotab_find(t, 1, 1));
	assert_null(inotab_next(t, &pos));
	assert_int_equal(t->count, 0);
}

static void test_insert_then_find(void **state)
{
	struct inotab *t = *state;
	int isnew = -1;
	struct inotab_entry *e = inotab_get(t, 7, 100, &isnew);
	assert_non_null(e);
	assert_int_equal(isnew, 1);
	assert_int_equal(e->dev, 7);
	assert_int_equal(e->ino, 100);
	assert_int_equal(e->nlink, 0);
	assert_int_equal(e->size, 0);
	assert_int_equal(e->names, 0);
	e->nlink = 3;
	e->names = 1;

	e = inotab_get(t, 7, 100, &isnew);
	assert_non_null(e);
	assert_int_equal(isnew, 0);
	assert_int_equal(e->nlink, 3);
	assert_int_equal(e->names, 1);
	assert_ptr_equal(inotab_find(t, 7, 100), e);
	assert_null(inotab_find(t, 7, 101));
	assert_null(inotab_find(t, 8, 100));
	assert_int_equal(t->count, 1);
}

/* Extreme keys are keys like any other, but the one marking empty slots. */
static void test_edge_keys(void **state)
{
	struct inotab *t = *state;
	static const uint64_t keys[][2] = {
		{0, 0},
		{UINT64_MAX, 0},
		{0, UINT64_MAX},
		{UINT64_MAX, 1},
	};
	int isnew;
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < UNIT_ARRAY_LEN(keys); i++) {
			assert_non_null(
				inotab_get(t, keys[i][0], keys[i][1], &isnew));
			assert_int_equal(isnew, round == 0);
			assert_non_null(inotab_find(t, keys[i][0], keys[i][1]));
		}
	assert_int_equal(t->count, UNIT_ARRAY_LEN(keys));
	assert_null(inotab_get(t, UINT64_MAX, UINT64_MAX, &isnew));
	assert_null(inotab_find(t, UINT64_MAX, UINT64_MAX));
	assert_int_equal(t->count, UNIT_ARRAY_LEN(keys));
}

/* The same inode number on two filesystems is two files. */
static void test_same_ino_other_dev(void **state)
{
	struct inotab *t = *state;
	static const uint64_t devs[] = {1, 2, UINT64_MAX - 1};
	int isnew;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(devs); i++) {
		struct inotab_entry *e = inotab_get(t, devs[i], 42, &isnew);
		assert_non_null(e);
		assert_int_equal(isnew, 1);
		e->size = devs[i];
	}
	for (size_t i = 0; i < UNIT_ARRAY_LEN(devs); i++) {
		struct inotab_entry *e = inotab_find(t, devs[i], 42);
		assert_non_null(e);
		assert_int_equal(e->size, devs[i]);
	}
	assert_int_equal(t->count, UNIT_ARRAY_LEN(devs));
}

/* A key for entry I: sequential inodes over three devices, as a walk sees. */
static uint64_t dev_of(size_t i) { return i % 3; }
static uint64_t ino_of(size_t i) { return 1000 + i / 3; }

static void fill(struct inotab *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int isnew;
		struct inotab_entry *e =
			inotab_get(t, dev_of(i), ino_of(i), &isnew);
		assert_non_null(e);
		assert_int_equal(isnew, 1);
		e->nlink = (uint32_t)i;
		e->size = i + 1;
	}
}

/* Entries keep their fields through every growth of the table. */
static void test_growth(void **state)
{
	struct inotab *t = *state;
	fill(t, MANY);
	assert_int_equal(t->count, MANY);
	/* a power of two, at most half full */
	assert_int_equal(t->cap & (t->cap - 1), 0);
	assert_true(t->count * 2 <= t->cap);
	for (size_t i = 0; i < MANY; i++) {
		struct inotab_entry *e = inotab_find(t, dev_of(i), ino_of(i));
		assert_non_null(e);
		assert_int_equal(e->nlink, i);
		assert_int_equal(e->size, i + 1);
	}
	assert_null(inotab_find(t, 0, 1000 + MANY));
	/* getting an existing key again adds nothing */
	int isnew;
	assert_non_null(inotab_get(t, dev_of(5), ino_of(5), &isnew));
	assert_int_equal(isnew, 0);
	assert_int_equal(t->count, MANY);
}

/* Iteration visits every entry exactly once. */
static void test_iterate(void **state)
{
	struct inotab *t = *state;
	enum { N = 5000 };
	fill(t, N);
	unsigned char *seen = calloc(N, 1);
	assert_non_null(seen);
	size_t pos = 0, visits = 0;
	struct inotab_entry *e;
	while ((e = inotab_next(t, &pos))) {
		assert_true(e->nlink < N);
		assert_int_equal(e->dev, dev_of(e->nlink));
		assert_int_equal(e->ino, ino_of(e->nlink));
		seen[e->nlink]++;
		visits++;
	}
	assert_int_equal(visits, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	/* and stays at the end */
	assert_null(inotab_next(t, &pos));
	free(seen);
}

/* A freed table is empty and can be used again. */
static void test_free_and_reuse(void **state)
{
	struct inotab *t = *state;
	fill(t, 1000);
	inotab_free(t);
	assert_null(t->slots);
	assert_int_equal(t->cap, 0);
	assert_int_equal(t->count, 0);
	assert_null(inotab_find(t, dev_of(1), ino_of(1)));
	int isnew;
	assert_non_null(inotab_get(t, dev_of(1), ino_of(1), &isnew));
	assert_int_equal(isnew, 1);
	assert_int_equal(t->count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_insert_then_find, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_edge_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_same_ino_other_dev, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iterate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_and_reuse, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("inotab", tests, NULL, NULL);
}
