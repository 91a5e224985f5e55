#include <string.h>
#include <sys/random.h>

#include <openssl/evp.h>

#include "hash.h"
#include "log.h"
#include "xmalloc.h"

void
sha256_hex(const void *buf, size_t len, char out[SHA256_HEX_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0, i;

	if (EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		fatalx("sha256: EVP_Digest failed");
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[SHA256_HEX_LEN] = '\0';
}

#define TOKEN_BYTES	32

char *
token_new(const char *prefix)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char		 raw[TOKEN_BYTES + 2] = { 0 };
	char			*out, *o;
	size_t			 i, plen = strlen(prefix);

	if (getrandom(raw, TOKEN_BYTES, 0) != TOKEN_BYTES)
		return (NULL);
	out = o = xmalloc(plen + (TOKEN_BYTES + 2) / 3 * 4 + 1);
	memcpy(o, prefix, plen);
	o += plen;
	for (i = 0; i < TOKEN_BYTES; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 |
		    raw[i + 2];

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		if (i + 1 < TOKEN_BYTES)
			*o++ = b64[v >> 6 & 63];
		if (i + 2 < TOKEN_BYTES)
			*o++ = b64[v & 63];
	}
	*o = '\0';
	return (out);
}
