/* SHA-256 in hex, through OpenSSL's libcrypto. */
#ifndef DUBAN_HASH_H
#define DUBAN_HASH_H

#include <stddef.h>

#define SHA256_HEX_LEN	64

/* Writes the hex digest of buf[0..len) and a NUL into out. */
void	sha256_hex(const void *buf, size_t len, char out[SHA256_HEX_LEN + 1]);

/*
 * A new secret token: prefix and 43 characters of base64url (256 random
 * bits from getrandom).  NULL if the kernel gives no randomness.
 */
char	*token_new(const char *prefix);

#endif
