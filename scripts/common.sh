# Shared by scripts/run, scripts/test and scripts/pg.  Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

DUBAN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
# The unprivileged account that runs the private PostgreSQL when we are
# root (initdb refuses to run as root) and, under systemd, duband itself.
DUBAN_USER=${DUBAN_USER:-duban}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'duban: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Packages the build, the run and the tests need, from Debian 12.
DUBAN_PACKAGES=(
	cmake gcc make pkg-config
	libyaml-dev libpq-dev libevent-dev libjansson-dev libssl-dev
	libcriterion-dev libsystemd-dev libcurl4-openssl-dev libxlsxwriter-dev zlib1g-dev
	libargon2-dev libmagic-dev
	libzip-dev libexpat1-dev
	postgresql-15 postgresql-client-15
	curl systemd bc valgrind
)
# The high-availability cluster (scripts/ha, the ha-failover test).
DUBAN_HA_PACKAGES=(patroni etcd-server haproxy jq iproute2)
# What the tests add: receivers for reminders, and the real readers the
# reports are checked with (LibreOffice for XLSX, Chromium for HTML with
# CJK fonts, python3-icalendar for the feeds).
DUBAN_TEST_PACKAGES=(
	python3 python3-aiosmtpd python3-icalendar
	libreoffice-calc-nogui chromium fonts-noto-cjk
	clang libclang-rt-14-dev python3-uno
	cmark-gfm
	poppler-utils
	"${DUBAN_HA_PACKAGES[@]}"
)

# Installs whatever in the list is missing (apt), or says what to do.
deps_install() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	((${#missing[@]} == 0)) && return 0
	if ! is_root; then
		die "缺少软件包：${missing[*]}。请以 root 运行本脚本，或先执行：sudo apt-get install ${missing[*]}"
	fi
	say "安装缺少的软件包：${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR [cmake options...]
build() {
	local dir=$1
	shift
	cmake -S "$DUBAN_ROOT" -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j "$(nproc)" -- --no-print-directory >/dev/null
}

# The test build: AddressSanitizer and UndefinedBehaviorSanitizer, in
# build-asan/ (scripts/test and tests/stress.sh).
build_asan() {
	build "$DUBAN_ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DDUBAN_SANITIZE=ON "$@"
}

pg_user_ensure() {
	is_root || return 0
	id -u "$DUBAN_USER" >/dev/null 2>&1 && return 0
	say "创建系统用户 $DUBAN_USER（运行私有 PostgreSQL）"
	useradd --system --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$DUBAN_USER"
}

# Runs a command as the cluster's owner (from /, which it can enter:
# the clone may be under a home it cannot read).
as_pg() {
	if is_root; then
		(cd / && runuser -u "$DUBAN_USER" -- "$@")
	else
		"$@"
	fi
}

# Where a cluster named NAME lives.  Normally ./var/NAME; when the
# unprivileged user cannot reach that path (a clone under /root, say),
# the files go to /var/lib/duban/<hash> and ./var/NAME links there.
pg_dir() {
	local name=$1 want alt hash
	want=$DUBAN_ROOT/var/$name
	mkdir -p "$DUBAN_ROOT/var"
	if [ -L "$want" ]; then
		readlink -f "$want"
		return
	fi
	if ! is_root || as_pg test -x "$DUBAN_ROOT/var"; then
		printf '%s\n' "$want"
		return
	fi
	hash=$(printf '%s' "$want" | sha256sum | cut -c1-16)
	alt=/var/lib/duban/pg-$hash
	mkdir -p "$alt"
	ln -sfn "$alt" "$want"
	printf '%s\n' "$alt"
}

# The socket directory of the cluster in DIR: DIR/run, or a short path
# under /tmp, a socket path being limited to 107 bytes.
pg_sock() {
	local sock=$1/run
	if ((${#sock} > 90)); then
		sock=/tmp/duban-$(printf '%s' "$1" | sha256sum | cut -c1-12)
	fi
	printf '%s\n' "$sock"
}

# pg_start NAME [test]: creates (first time) and starts a private cluster
# listening on a Unix socket only.  Prints the libpq conninfo of its
# server (database name left to the caller).
pg_start() {
	local name=$1 mode=${2:-} dir data sock log
	pg_user_ensure
	dir=$(pg_dir "$name")
	data=$dir/data
	sock=$(pg_sock "$dir")
	log=$dir/postgresql.log
	# DUBAN_PG_CONF: lines added to a new cluster's postgresql.conf.
	if [ "$mode" = test ] && [ -d "$data" ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$data"
	fi
	mkdir -p "$dir" "$sock"
	is_root && chown "$DUBAN_USER:" "$dir" "$sock"
	if [ ! -f "$data/PG_VERSION" ]; then
		say "初始化私有 PostgreSQL 集群：$data"
		as_pg "$PG_BIN/initdb" -D "$data" -A trust -U duban -E UTF8 \
			--locale=C ${mode:+--no-sync} >/dev/null
		{
			echo "listen_addresses = ''"
			echo "unix_socket_directories = '$sock'"
			echo "max_connections = 200"
			echo "shared_buffers = 128MB"
			echo "timezone = 'Asia/Shanghai'"
			echo "log_timezone = 'Asia/Shanghai'"
			if [ "$mode" = test ]; then
				echo "fsync = off"
				echo "synchronous_commit = off"
				echo "full_page_writes = off"
			fi
			[ -z "${DUBAN_PG_CONF:-}" ] || printf '%s\n' "$DUBAN_PG_CONF"
		} | as_pg tee -a "$data/postgresql.conf" >/dev/null
	fi
	if ! as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null ||
			die "PostgreSQL 启动失败，见 $log"
	fi
	printf 'host=%s user=duban' "$sock"
}

pg_stop() {
	local name=$1 dir
	dir=$(pg_dir "$name")
	[ -f "$dir/data/PG_VERSION" ] || return 0
	as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
}

# db_ensure CONNINFO DBNAME: creates the database if it does not exist.
db_ensure() {
	local server=$1 db=$2
	if ! psql "$server dbname=postgres" -XAtq -v ON_ERROR_STOP=1 \
		-c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		say "创建数据库 $db"
		psql "$server dbname=postgres" -Xq -v ON_ERROR_STOP=1 \
			-c "CREATE DATABASE \"$db\"" >/dev/null
	fi
}

# The browser tests' npm packages (tests/web/package-lock.json), from the
# npm registry.  They run on Debian 12's Node.js 18 (installed, with npm,
# when either is missing) or on any newer node found on the PATH.
web_test_deps() {
	local major
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		deps_install nodejs npm
	fi
	major=$(node -p 'process.versions.node.split(".")[0]')
	((major >= 18)) ||
		die "浏览器测试需要 Node.js 18 或更高版本，本机的 node 是 $(node --version)"
	if [ ! -d "$DUBAN_ROOT/tests/web/node_modules" ] ||
	    [ "$DUBAN_ROOT/tests/web/package-lock.json" -nt "$DUBAN_ROOT/tests/web/node_modules" ]; then
		say "安装浏览器测试所需的 npm 包（tests/web）"
		(cd "$DUBAN_ROOT/tests/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
		touch "$DUBAN_ROOT/tests/web/node_modules"
	fi
}

# The set-up both README commands share: packages, build, database,
# migrations, plans.  Exports DUBAN_DB.
setup() {
	deps_install "${DUBAN_PACKAGES[@]}" "$@"
	say "编译（build/）"
	# The programs and the benches: the suite is built and run in
	# build-asan/ (scripts/test), so not here as well.
	build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUBAN_TESTS=OFF
	if [ -z "${DUBAN_DB:-}" ]; then
		local server
		server=$(pg_start main)
		db_ensure "$server" duban
		DUBAN_DB="$server dbname=duban"
		printf 'export DUBAN_DB=%q\n' "$DUBAN_DB" >"$DUBAN_ROOT/var/env"
		say "私有 PostgreSQL 已启动（仅 Unix 套接字）；连接串写在 var/env"
	fi
	export DUBAN_DB
	db_fill "$DUBAN_ROOT/build/cli/duban"
}

# db_fill DUBAN: migrates DUBAN_DB and loads the shipped plans and the
# calendar with that duban binary (scripts/ha, the HA test too).
db_fill() {
	"$1" db migrate
	"$1" plan load "$DUBAN_ROOT"/plans/*.yaml
	# The demo's county bureaus under 吉林市教育局 (上级督办下级).
	"$1" org add 船营区教育局 --parent 吉林市教育局 >/dev/null
	"$1" org add 昌邑区教育局 --parent 吉林市教育局 >/dev/null
	"$1" calendar load "$DUBAN_ROOT"/plans/calendar/*.yaml
}

# token_file ROLE [OFFICE]: a token kept in var/tokens (or DUBAN_TOKENS),
# made on first use and remade if it was revoked.  Prints the file's path.
token_file() {
	local role=$1 office=${2:-} name="" file dir=${DUBAN_TOKENS:-$DUBAN_ROOT/var/tokens}
	name=${office:-$role}
	file=$dir/$name.token
	mkdir -p "$dir"
	chmod 700 "$dir"
	if [ ! -s "$file" ] || ! "$DUBAN_ROOT/build/cli/duban" token verify <"$file" >/dev/null; then
		# The demo's tokens are 吉林市教育局's (tenants: a token belongs
		# to one organisation and reaches those under it).
		(umask 077 && "$DUBAN_ROOT/build/cli/duban" token create --quiet --role "$role" \
			--org 吉林市教育局 ${office:+--office "$office"} >"$file")
	fi
	printf '%s\n' "$file"
}
