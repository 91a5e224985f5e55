#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "utf8.h"

Test(utf8, width_counts_cjk_as_two)
{
	cr_expect_eq(utf8_width("abc"), 3);
	cr_expect_eq(utf8_width("财务审计处"), 10);
	cr_expect_eq(utf8_width("5①"), 2);	/* ① is ambiguous width: 1 */
	cr_expect_eq(utf8_width("（一）"), 6);	/* full-width brackets */
	cr_expect_eq(utf8_width("1000元/年/生"), 12);
	cr_expect_eq(utf8_width(""), 0);
}

Test(utf8, truncate_keeps_whole_characters)
{
	char	*s;

	s = utf8_truncate("实施“困难家庭学生爱心助学工程”", 10);
	cr_expect(utf8_width(s) <= 10, "width %zu", utf8_width(s));
	cr_expect(strstr(s, "…") != NULL);
	cr_expect(utf8_valid(s, strlen(s), NULL));
	free(s);
	s = utf8_truncate("短", 10);
	cr_expect_str_eq(s, "短");
	free(s);
}

Test(utf8, validation_finds_the_first_bad_byte)
{
	size_t	 bad = 0;

	cr_expect(utf8_valid("财务", strlen("财务"), NULL));
	cr_expect_not(utf8_valid("ab\xff", 3, &bad));
	cr_expect_eq(bad, 2);
	cr_expect_not(utf8_valid("\xc0\x80", 2, &bad));	/* overlong NUL */
	cr_expect_eq(bad, 0);
	cr_expect_not(utf8_valid("\xed\xa0\x80", 3, &bad));	/* surrogate */
	cr_expect_not(utf8_valid("\xe8\xb4", 2, &bad));	/* truncated */
}

/* Found by fuzz-deadline: a cut or stray sequence is one byte, U+FFFD,
 * and nothing past the NUL is read. */
Test(utf8, decode_stops_at_invalid_and_cut_sequences)
{
	uint32_t	 cp;
	char		*cut = strdup("\xe6");	/* a three-byte lead, alone */

	cr_expect_eq(utf8_decode(cut, &cp), 1);
	cr_expect_eq(cp, 0xfffd);
	free(cut);
	cr_expect_eq(utf8_decode("\xb9\xb4", &cp), 1);	/* 70 b9 b4 */
	cr_expect_eq(cp, 0xfffd);
	cr_expect_eq(utf8_decode("\xe8\xb4x", &cp), 1);
	cr_expect_eq(utf8_decode("财", &cp), 3);
	cr_expect_eq(cp, 0x8d22);
	cr_expect_eq(utf8_decode("\xf0\x9f\x98\x80", &cp), 4);
	cr_expect_eq(cp, 0x1f600);
}

Test(utf8, controls_other_than_newline_and_tab)
{
	cr_expect_eq(utf8_has_controls("完成\n第一批\t共 3 项"), 0);
	cr_expect_eq(utf8_has_controls(""), 0);
	cr_expect_eq(utf8_has_controls("ÿé¢"), 0);
	cr_expect_eq(utf8_has_controls("红\x1b[31m字"), 1);
	cr_expect_eq(utf8_has_controls("回车\r覆盖"), 1);
	cr_expect_eq(utf8_has_controls("\x07"), 1);
	cr_expect_eq(utf8_has_controls("删除\x7f"), 1);
	cr_expect_eq(utf8_has_controls("C1 \xc2\x9b" "31m"), 1);
}
