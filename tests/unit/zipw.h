/*
 * A tiny zip writer for the XLSX reader's tests and fuzz seeds: it writes
 * exactly what it is told, including what a well-behaved writer would
 * not (lying sizes, unsafe names, encryption flags, odd methods), so the
 * reader's refusals can be tested.  Deflate through zlib.
 */
#ifndef DUBAN_TEST_ZIPW_H
#define DUBAN_TEST_ZIPW_H

#include <stddef.h>
#include <stdint.h>

struct zipw_entry {
	const char	*name;
	const char	*data;		/* may be NULL when zeros > 0 */
	size_t		 len;		/* of data; 0 means strlen(data) */
	size_t		 zeros;		/* then this many fill bytes */
	char		 fill;		/* '\0' unless set */
	int		 method;	/* 0 stored, 8 deflated (the default) */
	uint16_t	 flags;		/* general purpose bits (1: encrypted) */
	uint64_t	 declared;	/* uncompressed size written; 0: true */
	int		 stored;	/* 1: method 0 */
};

/* The zip of n entries, malloc'd; its length in *len. */
char	*zipw(const struct zipw_entry *, size_t n, size_t *len);

#endif
