/*
 * The tests' zip writer (zipw.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "xmalloc.h"
#include "zipw.h"

struct out {
	char	*buf;
	size_t	 len, cap;
};

static void
put(struct out *o, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (o->len + n > o->cap) {
		while (o->len + n > o->cap)
			o->cap = o->cap == 0 ? 4096 : o->cap * 2;
		o->buf = xreallocarray(o->buf, o->cap, 1);
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void
u16(struct out *o, unsigned v)
{
	unsigned char b[2] = { v & 0xff, (v >> 8) & 0xff };

	put(o, b, 2);
}

static void
u32(struct out *o, unsigned long v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
	    (v >> 24) & 0xff };

	put(o, b, 4);
}

/* Raw deflate of the entry's bytes (its data, then its run of fill
 * bytes) into o; its CRC. */
static unsigned long
deflate_entry(const struct zipw_entry *e, size_t len, struct out *o)
{
	static char		 run[1 << 16];
	unsigned char		 buf[1 << 16];
	z_stream		 z;
	unsigned long		 crc = crc32(0, NULL, 0);
	size_t			 left = e->zeros;
	int			 rc;

	memset(run, e->fill, sizeof run);
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_RLE) != Z_OK)
		abort();
	/* The data first, then the run. */
	for (int pass = 0; pass < 2; pass++) {
		const char *p = pass == 0 ? e->data : NULL;

		left = pass == 0 ? (e->data != NULL ? len : 0) : e->zeros;
		do {
			size_t n = left < sizeof run ? left : sizeof run;
			const char *in = p != NULL ? p : run;
			int last = pass == 1 && left == n;

			crc = crc32(crc, (const unsigned char *)in,
			    (unsigned)n);
			z.next_in = (unsigned char *)(uintptr_t)in;
			z.avail_in = (unsigned)n;
			left -= n;
			if (p != NULL)
				p += n;
			do {
				z.next_out = buf;
				z.avail_out = sizeof buf;
				rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
				put(o, buf, sizeof buf - z.avail_out);
			} while (z.avail_out == 0);
		} while (left > 0);
	}
	if (rc != Z_STREAM_END)
		abort();
	deflateEnd(&z);
	return (crc);
}

char *
zipw(const struct zipw_entry *e, size_t n, size_t *lenp)
{
	struct out	 o = { 0 }, cd = { 0 };
	size_t		 i;

	for (i = 0; i < n; i++) {
		struct out	 data = { 0 };
		size_t		 dlen = e[i].data == NULL ? 0 :
		    e[i].len != 0 ? e[i].len : strlen(e[i].data);
		size_t		 len = dlen + e[i].zeros;
		int		 method = e[i].stored ? 0 : e[i].method != 0 ?
		    e[i].method : 8;
		unsigned long	 crc, off = (unsigned long)o.len;
		uint64_t	 usize = e[i].declared != 0 ? e[i].declared : len;
		size_t		 nl = strlen(e[i].name);

		if (method == 0) {
			put(&data, e[i].data, len);
			crc = crc32(0, (const unsigned char *)e[i].data,
			    (unsigned)len);
		} else
			crc = deflate_entry(&e[i], dlen, &data);
		/* The local header. */
		u32(&o, 0x04034b50);
		u16(&o, 20);
		u16(&o, e[i].flags);
		u16(&o, (unsigned)method);
		u16(&o, 0);
		u16(&o, 0x21);
		u32(&o, crc);
		u32(&o, (unsigned long)data.len);
		u32(&o, (unsigned long)usize);
		u16(&o, (unsigned)nl);
		u16(&o, 0);
		put(&o, e[i].name, nl);
		put(&o, data.buf, data.len);
		/* Its central directory record. */
		u32(&cd, 0x02014b50);
		u16(&cd, 20);
		u16(&cd, 20);
		u16(&cd, e[i].flags);
		u16(&cd, (unsigned)method);
		u16(&cd, 0);
		u16(&cd, 0x21);
		u32(&cd, crc);
		u32(&cd, (unsigned long)data.len);
		u32(&cd, (unsigned long)usize);
		u16(&cd, (unsigned)nl);
		u16(&cd, 0);
		u16(&cd, 0);
		u16(&cd, 0);
		u16(&cd, 0);
		u32(&cd, 0);
		u32(&cd, off);
		put(&cd, e[i].name, nl);
		free(data.buf);
	}
	{
		unsigned long cdoff = (unsigned long)o.len;

		put(&o, cd.buf, cd.len);
		u32(&o, 0x06054b50);
		u16(&o, 0);
		u16(&o, 0);
		u16(&o, (unsigned)n);
		u16(&o, (unsigned)n);
		u32(&o, (unsigned long)cd.len);
		u32(&o, cdoff);
		u16(&o, 0);
	}
	free(cd.buf);
	*lenp = o.len;
	return (o.buf);
}
