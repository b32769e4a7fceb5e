// SPDX-License-Identifier: GPL-2.0
/*
 * gzip.c - compress a buffer into a gzip member with zlib.  zlib writes a
 * header with no file name and a zero time stamp, so the output depends
 * only on the input.
 */
#include <zlib.h>

#include "mkroot.h"

int gzip_buf(const struct buf *in, struct buf *out)
{
	z_stream zs = { 0 };
	unsigned char chunk[65536];
	int rc;

	/* 15 + 16: a gzip wrapper rather than zlib's. */
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	zs.next_in = in->p;
	zs.avail_in = (uInt)in->len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = deflate(&zs, Z_FINISH);
		if (rc == Z_STREAM_ERROR) {
			deflateEnd(&zs);
			return -1;
		}
		buf_put(out, chunk, sizeof(chunk) - zs.avail_out);
	} while (rc != Z_STREAM_END);
	deflateEnd(&zs);
	return 0;
}
