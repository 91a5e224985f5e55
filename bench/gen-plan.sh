#!/bin/sh
# Writes a valid plan file (docs/plan-format.md) of TASKS tasks to
# standard output, shaped like a big bureau's 任务分解表: 50 sections,
# each task with a lead office, one or two responsible offices, a leader,
# a goal and a measures text, four targets and one milestone besides
# its deadline milestone (so TASKS tasks give 4 × TASKS targets and
# 2 × TASKS milestone rows).  Offices, people and deadline forms come
# from small pools, as in real documents.  Deterministic: the same TASKS
# give the same file.
#
#   bench/gen-plan.sh [TASKS] > plan.yaml      (default 5000)
#
# Used by bench/import.sh.  bench/province.sh makes one plan a bureau
# with these set (defaults in brackets):
#   PLAN_KEY [bench-import-2025]  PLAN_ISSUER [基准市教育局]
#   PLAN_ISSUER_KIND [none: city_bureau]  PLAN_PARENT [none]
#   PLAN_SECTIONS [50]
set -eu

TASKS=${1:-5000}

awk -v tasks="$TASKS" -v key="${PLAN_KEY:-bench-import-2025}" \
    -v issuer="${PLAN_ISSUER:-基准市教育局}" -v issuer_kind="${PLAN_ISSUER_KIND:-}" \
    -v parent="${PLAN_PARENT:-}" -v nsec="${PLAN_SECTIONS:-50}" '
BEGIN {
	split("办公室 组织人事科 计划财务科 基础教育科 职业教育科 高等教育科 " \
	    "教师工作科 体育卫生艺术科 安全稳定科 政策法规科 督导室 机关党委 " \
	    "学前教育科 民族教育科 教育信息中心 招生考试中心 学生资助中心 " \
	    "电化教育馆 教育科学研究所 校园建设管理站", office, " ")
	noffice = 20
	split("张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴霞", person, " ")
	npeople = 10
	split("全年 年底前 6月30日前 3月中旬 第三季度末 上半年 9月开学前 " \
	    "10月底 2025年11月下旬 春季学期", form, " ")
	nform = 10
	split("所 个 名 人 万元 % 平方米 套 册 台", unit, " ")
	nunit = 10
	split("count count count count amount ratio count count count count",
	    kind, " ")

	print "duban-plan: 1"
	print "plan:"
	print "  key: " key
	print "  title: " issuer "2025年工作要点任务分解表"
	print "  year: 2025"
	print "  issuer: " issuer
	if (issuer_kind != "")
		print "  issuer_kind: " issuer_kind
	if (parent != "")
		print "  parent_org: " parent
	print "  document_number: 基教发〔2025〕1号"
	print "  issued_on: 2025-02-20"
	print "  kind: 工作要点"
	print "  source: {file: bench-import.txt, note: 由 bench/gen-plan.sh 生成}"
	print "  default_deadline: 全年"
	print "offices:"
	for (i = 1; i <= noffice; i++)
		printf "  - {name: %s, kind: %s}\n", office[i],
		    office[i] ~ /(中心|馆|所|站)$/ ? "unit" : "office"
	print "  - {name: 市财政局, kind: department}"
	print "people:"
	for (i = 1; i <= npeople; i++)
		printf "  - {name: %s, office: %s, title: 副局长}\n", person[i],
		    office[i]
	print "sections:"
	per = int((tasks + nsec - 1) / nsec)
	t = 0
	for (s = 1; s <= nsec && t < tasks; s++) {
		printf "  - key: s%d\n    number: 第%d部分\n", s, s
		printf "    title: 第%d方面重点工作\n    tasks:\n", s
		for (k = 1; k <= per && t < tasks; k++) {
			t++
			lead = office[(t % noffice) + 1]
			resp = office[((t * 7) % noffice) + 1]
			printf "      - key: t%d\n", t
			printf "        number: \"%d.\"\n", k
			printf "        title: 推进第%d项重点工作落实落地见效\n", t
			printf "        goal: 到年底完成第%d项工作的各项指标，形成可复制可推广的经验做法。\n", t
			printf "        measures: |\n"
			printf "          一是健全工作机制，明确责任分工；二是加强督促检查，每季度通报进展；\n"
			printf "          三是强化经费保障，确保资金按时足额到位。\n"
			printf "        deadline: %s\n", form[(t % nform) + 1]
			printf "        leaders: [%s]\n", person[(t % npeople) + 1]
			printf "        lead: {office: %s, person: %s}\n", lead,
			    person[(t % npeople) + 1]
			printf "        responsible:\n          - {office: %s}\n", resp
			if (t % 3 == 0)
				printf "          - {office: %s}\n",
				    office[((t * 11) % noffice) + 1]
			if (t % 5 == 0)
				printf "        coordinating: [市财政局]\n"
			printf "        targets:\n"
			for (g = 1; g <= 4; g++) {
				u = ((t + g) % nunit) + 1
				printf "          - {key: g%d, name: 第%d项第%d个指标, kind: %s, value: %d, unit: \"%s\"", \
				    g, t, g, kind[u], (t * g) % 997 + 1, unit[u]
				if (g == 1)
					printf ", qualifier: at_least, deadline: 第三季度末"
				printf "}\n"
			}
			printf "        milestones:\n"
			printf "          - {key: m1, title: 完成第%d项工作方案, due: 2025年%d月中旬}\n", \
			    t, (t % 6) + 1
		}
	}
}'
