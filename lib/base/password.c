/*
 * Passwords: Argon2id through libargon2, the strength rule, one-time
 * passwords.  See password.h.
 */
#include <sys/random.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "password.h"
#include "utf8.h"
#include "xmalloc.h"

#define SALT_BYTES	16
#define HASH_BYTES	32

int
password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	unsigned char	 salt[SALT_BYTES];
	size_t		 len = strlen(pw);

	if (len > PASSWORD_MAX_BYTES ||
	    getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt)
		return (-1);
	if (argon2id_hash_encoded(PASSWORD_T_COST, PASSWORD_M_COST, PASSWORD_PARALLELISM,
	    pw, len, salt, sizeof salt, HASH_BYTES, out, PASSWORD_HASH_MAX) != ARGON2_OK)
		return (-1);
	return (0);
}

int
password_verify(const char *encoded, const char *pw)
{
	size_t	 len = strlen(pw);

	if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0 ||
	    len > PASSWORD_MAX_BYTES)
		return (0);
	return (argon2id_verify(encoded, pw, len) == ARGON2_OK);
}

const char *
password_weak(const char *pw, const char *login)
{
	int		 lower = 0, upper = 0, digit = 0, other = 0, same = 1;
	size_t		 chars, bad, len = strlen(pw);
	const char	*p;

	if (len > PASSWORD_MAX_BYTES)
		return ("密码过长：不能超过 256 个字节");
	if (!utf8_valid(pw, len, &bad))
		return ("密码含有无效的字符");
	chars = utf8_chars(pw, len);
	if (chars < 10)
		return ("密码至少应有 10 个字符");
	for (p = pw; *p != '\0'; p++) {
		unsigned char	 c = (unsigned char)*p;

		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else if (c < 0x80 || (c & 0xc0) == 0xc0)
			other = 1;	/* a symbol, or the start of a non-ASCII one */
		if (*p != *pw)
			same = 0;
	}
	if (same)
		return ("密码不能由同一个字符重复组成");
	if (login != NULL && *login != '\0' && strstr(pw, login) != NULL)
		return ("密码不能包含登录名");
	if (chars < 16 && lower + upper + digit + other < 3)
		return ("密码应至少包含小写字母、大写字母、数字、其他符号中的三类"
		    "（或不少于 16 个字符）");
	return (NULL);
}

char *
password_new(void)
{
	/* No 0/o, 1/l/i: read aloud or copied from paper without doubt. */
	static const char	 letters[] = "abcdefghjkmnpqrstuvwxyz";
	static const char	 digits[] = "23456789";
	unsigned char		 raw[12];
	char			*out = xmalloc(15), *o = out;
	int			 i;

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		free(out);
		return (NULL);
	}
	/* Groups of four: letter, digit, letter, letter, joined by '-'. */
	for (i = 0; i < 12; i++) {
		if (i > 0 && i % 4 == 0)
			*o++ = '-';
		*o++ = i % 4 == 1 ? digits[raw[i] % (sizeof digits - 1)] :
		    letters[raw[i] % (sizeof letters - 1)];
	}
	*o = '\0';
	return (out);
}

const char *
password_params(void)
{
	return ("Argon2id m=19456 KiB, t=2, p=1, salt 16 B, hash 32 B");
}
