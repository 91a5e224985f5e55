/*
 * The public base address, one value for every link duband hands out.
 */
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "xmalloc.h"

struct site {
	char	*base;
	int	 pages;
};

struct site *
site_new(void)
{
	struct site	*s = xcalloc(1, sizeof *s);

	s->base = xstrdup("");
	return (s);
}

void
site_free(struct site *s)
{
	if (s == NULL)
		return;
	free(s->base);
	free(s);
}

void
site_apply(struct site *s, const char *public_url, const char *bound, int pages)
{
	size_t	 n;

	free(s->base);
	if (public_url != NULL && *public_url != '\0')
		s->base = xstrdup(public_url);
	else
		s->base = xprintf("http://%s", bound);
	n = strlen(s->base);
	while (n > 0 && s->base[n - 1] == '/')
		s->base[--n] = '\0';
	s->pages = pages;
}

const char *
site_base(const struct site *s)
{
	return (s->base);
}

const char *
site_pages(const struct site *s)
{
	return (s->pages ? s->base : NULL);
}
