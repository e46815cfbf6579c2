/*
 * hln/sort.h - qsort for arrays that may be empty.
 */
#ifndef HLN_SORT_H
#define HLN_SORT_H

#include <stdlib.h>

/*
 * Sort the N items of SIZE bytes at BASE with CMP, as qsort does; BASE may
 * be NULL when N is 0 or 1 (qsort wants a non-NULL base even for none, and
 * an array never grown is NULL).
 */
static inline void sort_items(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif
