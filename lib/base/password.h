/*
 * Passwords: Argon2id hashes (Debian's libargon2) in the PHC string form
 * ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), one strength rule for the
 * CLI and duband alike, and one-time passwords for new accounts.
 *
 * Hashing and verifying take tens of milliseconds and 19 MiB on purpose:
 * duband calls them on its worker threads, never on the loop.
 */
#ifndef DUBAN_PASSWORD_H
#define DUBAN_PASSWORD_H

#include <stddef.h>

#define PASSWORD_T_COST		2		/* passes */
#define PASSWORD_M_COST		19456		/* KiB: 19 MiB (OWASP's minimum) */
#define PASSWORD_PARALLELISM	1
#define PASSWORD_HASH_MAX	128		/* the encoded form, with its NUL */
#define PASSWORD_MAX_BYTES	256		/* longer input is refused */

/* Hashes pw into out (PASSWORD_HASH_MAX bytes).  0, or -1 if it cannot. */
int		 password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 if pw matches the encoded hash, 0 if not (or the hash is not one). */
int		 password_verify(const char *encoded, const char *pw);
/*
 * Why pw is too weak for login, in words for the user, or NULL if it is
 * strong enough: at least 10 characters, at least three of lower case,
 * upper case, digits and other characters (or at least 16 characters),
 * not the login, not one character repeated.
 */
const char	*password_weak(const char *pw, const char *login);
/* A one-time password that passes password_weak, e.g. "k7mq-x4tz-9hwp";
 * NULL if the kernel gives no randomness.  The caller frees it. */
char		*password_new(void);
/* "Argon2id m=19456 KiB, t=2, p=1", for the benchmark and the docs. */
const char	*password_params(void);

#endif
