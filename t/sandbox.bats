#!/usr/bin/env bats
# ey-sandbox, the stand-in for Engine Yard: its API through a real
# lighttpd, and its commands against a fake partner. Requests to the API
# are signed here with build/t/signature_test, so that the Date and the
# key can be chosen, and sent with curl.

load helpers

sandbox=$build/bin/ey-sandbox
signature_test=$build/t/signature_test

# The fake partner: a Perl HTTP server on a free loopback port that
# responds to the calls that ey-sandbox makes as Chronatog would, and logs
# each as one tab-separated line: method, path, Date, Authorization,
# Content-Type, body. Paths under /fail/ return 500. Perl's core
# IO::Socket::INET is in perl-base, which every Debian system has.
FAKE_PARTNER='
use strict;
use IO::Socket::INET;
my ($port_file, $log_file) = @ARGV;
my $server = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
    LocalPort => 0, Listen => 16, ReuseAddr => 1) or die "listen: $!";
my $base = "http://127.0.0.1:" . $server->sockport;
open(my $port, ">", $port_file) or die; print $port $server->sockport;
close $port;
alarm 600;
my $next = 1;
while (my $client = $server->accept) {
	my ($line, %header, $body) = (scalar <$client>);
	my ($method, $path) = split / /, $line;
	while (defined(my $h = <$client>)) {
		last if $h eq "\r\n";
		$header{lc $1} = $2 if $h =~ /^([^:]+):\s*(.*?)\r\n$/;
	}
	read($client, $body, $header{"content-length"} || 0);
	open(my $log, ">>", $log_file) or die;
	print $log join("\t", $method, $path, $header{date} // "",
	    $header{authorization} // "", $header{"content-type"} // "",
	    $body // ""), "\n";
	close $log;
	my ($status, $response) = (200, "{}");
	my $id = $next++;
	my $thanks = "\"message\": {\"message_type\": \"status\", " .
	    "\"subject\": \"Thanks for signing up!\", \"body\": null}";
	if ($path =~ m{^/fail/}) {
		($status, $response) = (500, "{\"error_messages\": [\"broken\"]}");
	} elsif ($method eq "POST" && $path eq "/customers") {
		($status, $response) = (201, "{\"service_account\": {" .
		    "\"url\": \"$base/customers/$id\", " .
		    "\"configuration_required\": false, " .
		    "\"configuration_url\": \"$base/sso/customers/$id\", " .
		    "\"provisioned_services_url\": " .
		    "\"$base/customers/$id/schedulers\", " .
		    "\"users_url\": null}, $thanks}");
	} elsif ($method eq "POST" && $path =~ m{^(/customers/\d+)/schedulers$}) {
		($status, $response) = (201, "{\"provisioned_service\": {" .
		    "\"url\": \"$base$1/schedulers/$id\", " .
		    "\"configuration_required\": false, " .
		    "\"configuration_url\": null, \"vars\": {" .
		    "\"service_url\": \"$base/jobs\", " .
		    "\"auth_username\": \"U$id\", \"auth_password\": \"P$id\"}}, " .
		    "\"message\": {\"message_type\": \"status\", " .
		    "\"subject\": \"Your scheduler is ready\", \"body\": null}}");
	}
	print $client "HTTP/1.1 $status X\r\nContent-Type: application/json\r\n" .
	    "Content-Length: " . length($response) . "\r\n" .
	    "Connection: close\r\n\r\n$response";
	close $client;
}
'

setup_file() {
	start_chronatog
	export EY_SANDBOX_DB=$DATA/ey-sandbox.db
	export EY=$BASE/ey
	"$sandbox" init --url "$EY" > "$BATS_FILE_TMPDIR/credentials"

	export PARTNER_LOG=$BATS_FILE_TMPDIR/partner.log
	touch "$PARTNER_LOG"
	perl -e "$FAKE_PARTNER" "$BATS_FILE_TMPDIR/partner.port" \
	    "$PARTNER_LOG" 2> /dev/null 3>&- &
	echo $! > "$BATS_FILE_TMPDIR/partner.pid"
	for _ in $(seq 50); do
		[ -s "$BATS_FILE_TMPDIR/partner.port" ] && break
		sleep 0.1
	done
	export PARTNER=http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/partner.port")
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/partner.pid")" 2> /dev/null
	stop_chronatog
}

setup() {
	eval "$(cat "$BATS_FILE_TMPDIR/credentials")"
	REGISTRATION=/ey/api/1/partners/1/services
}

# Prints the current time, or $1 Unix seconds, as an HTTP date.
http_date() {
	"$signature_test" http-date "${1:-$(date +%s)}"
}

# Sends METHOD to PATH below the server, with JSON BODY if given, signed
# with auth_id and SIGN_KEY (default auth_key), with the Date SIGN_DATE
# (default now): ey METHOD PATH [BODY]. CONTENT_TYPE overrides the
# Content-Type of a body. Sets STATUS, BODY_FILE and HEADERS_FILE; call
# it outside $(...), or STATUS is lost with the subshell.
ey() {
	local method=$1 path=$2 data=${3-} type=
	local date=${SIGN_DATE:-$(http_date)} authorization
	BODY_FILE=$BATS_TEST_TMPDIR/body
	HEADERS_FILE=$BATS_TEST_TMPDIR/headers
	local args=(-sS -X "$method" -o "$BODY_FILE" -D "$HEADERS_FILE"
	    -w '%{http_code}' -H "Date: $date")
	if [ $# -ge 3 ]; then
		type=${CONTENT_TYPE:-application/json}
		args+=(-H "Content-Type: $type" --data-binary "$data")
	fi
	authorization=$("$signature_test" authhmac-sign "$auth_id" \
	    "${SIGN_KEY:-$auth_key}" "$method" "$type" "$data" "$date" \
	    "$path") || return 1
	STATUS=$(curl "${args[@]}" -H "Authorization: $authorization" \
	    "$BASE$path")
}

# Registers a service whose service_accounts_url is $1 (default the fake
# partner's) and sets SERVICE_ID and SERVICE_PATH.
new_service() {
	ey POST "$REGISTRATION" "{\"service\": {\"name\": \"Chronatog\",
	    \"service_accounts_url\": \"${1:-$PARTNER/customers}\",
	    \"vars\": [\"service_url\", \"auth_username\", \"auth_password\"]}}"
	if [ "$STATUS" != 201 ]; then
		echo "register: $STATUS $(body)"
		return 1
	fi
	SERVICE_PATH=${REGISTRATION}/$(jq -r .service.url "$BODY_FILE" |
	    sed 's|.*/||')
	SERVICE_ID=${SERVICE_PATH##*/}
}

# Signs up a customer with the fake partner and sets ACCOUNT_ID and
# ACCOUNT_PATH.
new_account() {
	new_service || return 1
	local output
	output=$("$sandbox" enable --name "${1:-acme}" \
	    --service "$SERVICE_ID") || return 1
	eval "$output"
	ACCOUNT_ID=$account_id
	ACCOUNT_PATH=$SERVICE_PATH/service_accounts/$ACCOUNT_ID
}

# Activates the add-on for the current account and sets PROVISIONED_ID
# and PROVISIONED_PATH.
new_provisioned() {
	local output
	output=$("$sandbox" provision --account "$ACCOUNT_ID" --app shop \
	    --env production) || return 1
	eval "$output"
	PROVISIONED_ID=$provisioned_id
	PROVISIONED_PATH=/ey/api/1/service_accounts/$ACCOUNT_ID
	PROVISIONED_PATH+=/provisioned_service/$PROVISIONED_ID
}

# Prints the error messages of the last response, one per line.
errors() {
	jq -r '.error_messages[]' "$BODY_FILE"
}

# Prints the last line that the fake partner logged, field $1 (1-based).
partner_field() {
	tail -n 1 "$PARTNER_LOG" | cut -f "$1"
}

@test "init prints registration URL and credentials" {
	run "$sandbox" --db "$BATS_TEST_TMPDIR/new.db" init \
	    --url http://127.0.0.1:9/ey/
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = \
	    registration_url=http://127.0.0.1:9/ey/api/1/partners/1/services ]
	[[ "${lines[1]}" =~ ^auth_id=[0-9a-f]{16}$ ]]
	[[ "${lines[2]}" =~ ^auth_key=[0-9a-f]{40}$ ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "init again prints the same values" {
	db=$BATS_TEST_TMPDIR/again.db
	first=$("$sandbox" --db "$db" init --url http://127.0.0.1:9/ey)
	run "$sandbox" --db "$db" init --url http://127.0.0.1:9/ey
	[ "$status" -eq 0 ]
	[ "$output" = "$first" ]
}

@test "init with another URL needs --force" {
	db=$BATS_TEST_TMPDIR/force.db
	first=$("$sandbox" --db "$db" init --url http://127.0.0.1:9/ey)
	run "$sandbox" --db "$db" init --url http://127.0.0.1:8/ey
	[ "$status" -eq 1 ]
	[[ "$output" == *"already serves http://127.0.0.1:9/ey"* ]]
	[[ "$output" == *--force* ]]

	run "$sandbox" --db "$db" init --url http://127.0.0.1:8/ey --force
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == registration_url=http://127.0.0.1:8/ey/* ]]
	[ "${lines[1]}" != "$(sed -n 2p <<< "$first")" ]
	[ "${lines[2]}" != "$(sed -n 3p <<< "$first")" ]
}

@test "init rejects invalid base URLs" {
	for url in ftp://127.0.0.1/ey 'http://127.0.0.1/ey?x=1' /ey \
	    'http://user:pw@127.0.0.1/ey'; do
		run "$sandbox" --db "$BATS_TEST_TMPDIR/bad.db" init --url "$url"
		[ "$status" -eq 2 ]
		[[ "$output" == *"--url:"* ]]
	done
	[ ! -e "$BATS_TEST_TMPDIR/bad.db" ]
}

@test "commands need an initialised database" {
	run "$sandbox" --db "$BATS_TEST_TMPDIR/missing.db" services
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"*"ey-sandbox init --url"* ]]
}

@test "unsigned request returns 401" {
	run curl -sS -w '\n%{http_code} %{content_type}' "$BASE$REGISTRATION"
	[ "${lines[0]}" = \
	    "Authentication failure: missing Authorization header" ]
	[ "${lines[1]}" = "401 text/plain; charset=utf-8" ]
}

@test "wrong key returns 401" {
	SIGN_KEY=0123456789abcdef0123456789abcdef01234567 ey GET "$REGISTRATION"
	[ "$STATUS" = 401 ]
	[[ "$(body)" == "Authentication failure: signature mismatch"* ]]
}

@test "unknown key id returns 401" {
	auth_id=ffffffffffffffff ey GET "$REGISTRATION"
	[ "$STATUS" = 401 ]
	[[ "$(body)" == "Authentication failure: unknown key id"* ]]
}

@test "stale Date returns 401" {
	SIGN_DATE=$(http_date $(($(date +%s) - 16 * 60))) ey GET "$REGISTRATION"
	[ "$STATUS" = 401 ]
	[[ "$(body)" == "Authentication failure: Date"* ]]
}

@test "Date within 15 minutes is accepted" {
	SIGN_DATE=$(http_date $(($(date +%s) - 14 * 60))) ey GET "$REGISTRATION"
	[ "$STATUS" = 200 ]
}

@test "tampered body returns 401" {
	date=$(http_date)
	authorization=$("$signature_test" authhmac-sign "$auth_id" "$auth_key" \
	    POST application/json '{"service": {"name": "a"}}' "$date" \
	    "$REGISTRATION")
	run curl -sS -o /dev/null -w '%{http_code}' -H "Date: $date" \
	    -H "Authorization: $authorization" \
	    -H 'Content-Type: application/json' \
	    --data-binary '{"service": {"name": "b"}}' "$BASE$REGISTRATION"
	[ "$output" = 401 ]
}

@test "registration returns 201 with Location" {
	ey POST "$REGISTRATION" '{"service": {"name": "Chronatog",
	    "label": "chronatog", "description": "Web cron as a service.",
	    "service_accounts_url": "http://127.0.0.1:9/eyintegration/api/1/customers",
	    "home_url": "http://127.0.0.1:9/",
	    "terms_and_conditions_url": "http://127.0.0.1:9/terms",
	    "vars": ["service_url", "auth_username", "auth_password"]}}'
	[ "$STATUS" = 201 ]
	url=$(jq -r .service.url "$BODY_FILE")
	[[ "$url" =~ ^$EY/api/1/partners/1/services/[1-9][0-9]*$ ]]
	[ "$(header Location)" = "$url" ]
	[ "$(header Content-Type)" = application/json ]
	[ "$(jq -r .service.name "$BODY_FILE")" = Chronatog ]
	[ "$(jq -r .service.terms_and_conditions_url "$BODY_FILE")" = \
	    http://127.0.0.1:9/terms ]
	[ "$(jq -c .service.vars "$BODY_FILE")" = \
	    '["service_url","auth_username","auth_password"]' ]
}

@test "listing returns registered services" {
	new_service
	first=$SERVICE_ID
	new_service http://127.0.0.1:9/other
	ey GET "$REGISTRATION"
	[ "$STATUS" = 200 ]
	[ "$(jq -r --arg url "$BASE$REGISTRATION/$first" \
	    '.[].service | select(.url == $url) | .name' "$BODY_FILE")" = \
	    Chronatog ]
	[ "$(jq -r '.[-1].service.service_accounts_url' "$BODY_FILE")" = \
	    http://127.0.0.1:9/other ]
	[ "$(jq -r '.[-1].service.url' "$BODY_FILE")" = \
	    "$BASE$REGISTRATION/$SERVICE_ID" ]
}

@test "service can be read" {
	new_service
	ey GET "$SERVICE_PATH"
	[ "$STATUS" = 200 ]
	[ "$(jq -r .service.name "$BODY_FILE")" = Chronatog ]
	[ "$(jq -r .service.url "$BODY_FILE")" = "$BASE$SERVICE_PATH" ]
}

@test "service update merges fields" {
	new_service
	ey PUT "$SERVICE_PATH" '{"service": {"description": "Cron.",
	    "url": "http://127.0.0.1:9/ignored"}}'
	[ "$STATUS" = 200 ]
	ey GET "$SERVICE_PATH"
	[ "$(jq -r .service.description "$BODY_FILE")" = Cron. ]
	[ "$(jq -r .service.name "$BODY_FILE")" = Chronatog ]
	[ "$(jq -r .service.url "$BODY_FILE")" = "$BASE$SERVICE_PATH" ]
}

@test "service delete returns 200 then 404" {
	new_service
	ey DELETE "$SERVICE_PATH"
	[ "$STATUS" = 200 ]
	ey GET "$SERVICE_PATH"
	[ "$STATUS" = 404 ]
	[ "$(errors)" = "service $SERVICE_ID not found" ]
	ey DELETE "$SERVICE_PATH"
	[ "$STATUS" = 404 ]
}

@test "blank name returns 400" {
	for service in '{"name": ""}' '{"name": "  "}' '{"label": "x"}' \
	    '{"name": null}'; do
		ey POST "$REGISTRATION" "{\"service\": $service}"
		[ "$STATUS" = 400 ]
		[ "$(errors)" = "Name can't be blank" ]
	done
}

@test "update to blank name returns 400" {
	new_service
	ey PUT "$SERVICE_PATH" '{"service": {"name": ""}}'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = "Name can't be blank" ]
	ey GET "$SERVICE_PATH"
	[ "$(jq -r .service.name "$BODY_FILE")" = Chronatog ]
}

@test "invalid service fields return 400" {
	ey POST "$REGISTRATION" '{"service": {"name": "x", "label": 7,
	    "service_accounts_url": "ftp://127.0.0.1/x", "vars": "a"}}'
	[ "$STATUS" = 400 ]
	run errors
	[ "${lines[0]}" = "Label must be a string" ]
	[ "${lines[1]}" = "Service accounts url must be an http or https URL" ]
	[ "${lines[2]}" = "Vars must be an array of names" ]
}

@test "body without service object returns 400" {
	ey POST "$REGISTRATION" '{"name": "Chronatog"}'
	[ "$STATUS" = 400 ]
	[[ "$(errors)" == *'{"service": {...}}'* ]]
}

@test "malformed JSON returns 400" {
	ey POST "$REGISTRATION" '{"service": {"name": "x"'
	[ "$STATUS" = 400 ]
	[[ "$(errors)" == "request body is not valid JSON"* ]]
	ey POST "$REGISTRATION" '[1]'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = "request body must be a JSON object" ]
}

@test "other content type returns 415" {
	CONTENT_TYPE=text/plain ey POST "$REGISTRATION" \
	    '{"service": {"name": "x"}}'
	[ "$STATUS" = 415 ]
	[[ "$(errors)" == *"application/json"* ]]
}

@test "unknown path returns 404" {
	for path in /ey/api/1/partners/1 /ey/api/1/partners/1/services/ \
	    /ey/api/1/partners/1/services/01 /ey/api/2/partners/1/services \
	    /ey/; do
		ey GET "$path"
		[ "$STATUS" = 404 ]
		[ "$(errors)" = "no such resource: $path" ]
	done
}

@test "other partner returns 404" {
	ey GET /ey/api/1/partners/2/services
	[ "$STATUS" = 404 ]
	[ "$(errors)" = "partner 2 not found" ]
}

@test "wrong method returns 405 with Allow" {
	ey DELETE "$REGISTRATION"
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = "GET, POST" ]
	[[ "$(errors)" == "method DELETE is not allowed"* ]]
}

@test "enable sends a signed account" {
	new_service
	run "$sandbox" enable --name acme --service "$SERVICE_ID"
	[ "$status" -eq 0 ]
	eval "$output"
	[ "$status" = 201 ]
	[[ "$account_id" =~ ^[1-9][0-9]*$ ]]
	[[ "$service_account_url" == "$PARTNER/customers/"* ]]
	[ "$configuration_required" = false ]
	[ "$provisioned_services_url" = "$service_account_url/schedulers" ]
	[ "$users_url" = "" ]
	[ "$message_type" = status ]
	[ "$message_subject" = "Thanks for signing up!" ]

	[ "$(partner_field 1)" = POST ]
	[ "$(partner_field 2)" = /customers ]
	[ "$(partner_field 5)" = application/json ]
	sent=$(partner_field 6)
	account=$BASE$SERVICE_PATH/service_accounts/$account_id
	[ "$(jq -r .id <<< "$sent")" = "$account_id" ]
	[ "$(jq -r .name <<< "$sent")" = acme ]
	[ "$(jq -r .url <<< "$sent")" = "$account" ]
	[ "$(jq -r .messages_url <<< "$sent")" = "$account/messages" ]
	[ "$(jq -r .invoices_url <<< "$sent")" = "$account/invoices" ]

	printf '%s' "$sent" > "$BATS_TEST_TMPDIR/sent"
	HTTP_AUTHORIZATION=$(partner_field 4) REQUEST_METHOD=POST \
	    CONTENT_TYPE=application/json HTTP_DATE=$(partner_field 3) \
	    REQUEST_URI=/customers run "$signature_test" authhmac-verify \
	    "$auth_id" "$auth_key" "$(date +%s)" < "$BATS_TEST_TMPDIR/sent"
	[ "$status" -eq 0 ]
}

@test "enable stores the response message" {
	new_account
	run "$sandbox" messages --account "$ACCOUNT_ID"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .subject <<< "$output")" = "Thanks for signing up!" ]
	[ "$(jq -r .source <<< "$output")" = response ]
	[ "$(jq -r .body <<< "$output")" = null ]
}

@test "enable failure forgets the account" {
	new_service "$PARTNER/fail/customers"
	count='SELECT count(*) FROM service_accounts'
	before=$(sqlite3 "$EY_SANDBOX_DB" "$count")
	run "$sandbox" enable --name broken --service "$SERVICE_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"returned HTTP 500"*broken* ]]
	[ "$(sqlite3 "$EY_SANDBOX_DB" "$count")" = "$before" ]
}

@test "enable with unknown service fails" {
	run "$sandbox" enable --name acme --service 999999
	[ "$status" -eq 1 ]
	[[ "$output" == *"service 999999 not found"* ]]
}

@test "enable needs a name" {
	run "$sandbox" enable
	[ "$status" -eq 2 ]
	[[ "$output" == *"--name ACCOUNT_NAME"* ]]
}

@test "provision prints the vars" {
	new_account
	run "$sandbox" provision --account "$ACCOUNT_ID" --app shop \
	    --env production --aws-region eu-west-1
	[ "$status" -eq 0 ]
	eval "$output"
	[ "$status" = 201 ]
	[[ "$url" == "$PARTNER/customers/"*/schedulers/* ]]
	[ "$service_url" = "$PARTNER/jobs" ]
	[[ "$auth_username" =~ ^U[0-9]+$ ]]
	[[ "$auth_password" =~ ^P[0-9]+$ ]]
	[ "$message_subject" = "Your scheduler is ready" ]

	sent=$(partner_field 6)
	provisioned=$EY/api/1/service_accounts/$ACCOUNT_ID
	provisioned+=/provisioned_service/$provisioned_id
	[ "$(partner_field 2)" = "${provisioned_services_url#$PARTNER}" ]
	[ "$(jq -r .url <<< "$sent")" = "$provisioned" ]
	[ "$(jq -r .messages_url <<< "$sent")" = "$provisioned/messages" ]
	[ "$(jq -r .app.name <<< "$sent")" = shop ]
	[ "$(jq -r .environment.name <<< "$sent")" = production ]
	[ "$(jq -r .environment.framework_env <<< "$sent")" = production ]
	[ "$(jq -r .environment.aws_region <<< "$sent")" = eu-west-1 ]

	run "$sandbox" vars --provisioned "$provisioned_id"
	[ "$(jq -r .auth_username <<< "$output")" = "$auth_username" ]
}

@test "provision keeps app and environment ids" {
	new_account
	new_provisioned
	first=$(partner_field 6)
	new_provisioned
	second=$(partner_field 6)
	[ "$(jq .app.id <<< "$first")" = "$(jq .app.id <<< "$second")" ]
	[ "$(jq .environment.id <<< "$first")" = \
	    "$(jq .environment.id <<< "$second")" ]
	[ "$(jq .url <<< "$first")" != "$(jq .url <<< "$second")" ]
}

@test "deprovision deletes at the partner" {
	new_account
	new_provisioned
	run "$sandbox" deprovision --provisioned "$PROVISIONED_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "provisioned_id=$PROVISIONED_ID" ]
	[ "${lines[1]}" = status=200 ]
	[ "$(partner_field 1)" = DELETE ]
	[ "$(partner_field 2)" = "${url#$PARTNER}" ]

	run "$sandbox" deprovision --provisioned "$PROVISIONED_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"was deprovisioned at"* ]]
}

@test "cancel deletes at the partner" {
	new_account
	run "$sandbox" cancel --account "$ACCOUNT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "account_id=$ACCOUNT_ID" ]
	[ "${lines[1]}" = status=200 ]
	[ "$(partner_field 1)" = DELETE ]
	[ "$(partner_field 2)" = "${service_account_url#$PARTNER}" ]

	run "$sandbox" provision --account "$ACCOUNT_ID" --app a --env e
	[ "$status" -eq 1 ]
	[[ "$output" == *"service account $ACCOUNT_ID is cancelled"* ]]
}

@test "sso-url is signed with the partner key" {
	new_account
	run "$sandbox" sso-url --account "$ACCOUNT_ID" --user-name 'Ada L' \
	    --email ada@example.com --access-level collaborator
	[ "$status" -eq 0 ]
	eval "$output"
	[[ "$sso_url" == "$configuration_url?"* ]]
	[[ "$sso_url" == *"access_level=collaborator"* ]]
	[[ "$sso_url" == *"ey_user_email=ada%40example.com"* ]]
	[[ "$sso_url" == *"ey_user_name=Ada+L"* ]]
	run "$signature_test" sso-verify "$sso_url" "$auth_id" "$auth_key" \
	    "$(date +%s)"
	[ "$status" -eq 0 ]
}

@test "sso-url needs a configuration_url" {
	new_account
	new_provisioned
	run "$sandbox" sso-url --provisioned "$PROVISIONED_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"has no configuration_url"* ]]
	run "$sandbox" sso-url --account "$ACCOUNT_ID" --access-level admin
	[ "$status" -eq 2 ]
}

@test "service account update returns 200" {
	new_account
	ey PUT "$ACCOUNT_PATH" '{"service_account": {"configuration_required": true}}'
	[ "$STATUS" = 200 ]
	[ "$(jq -r .service_account.configuration_required "$BODY_FILE")" = \
	    true ]
	[ "$(jq -r .service_account.url "$BODY_FILE")" = \
	    "$service_account_url" ]
	ey PUT "$ACCOUNT_PATH" '{"service_account": {"configuration_required": 1}}'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = "Configuration required must be true or false" ]
}

@test "account below another service returns 404" {
	new_account
	new_service
	ey PUT "$SERVICE_PATH/service_accounts/$ACCOUNT_ID" \
	    '{"service_account": {}}'
	[ "$STATUS" = 404 ]
	[ "$(errors)" = "service account $ACCOUNT_ID not found" ]
	ey POST "$SERVICE_PATH/service_accounts/999999/messages" \
	    '{"message": {"message_type": "status", "subject": "Hi"}}'
	[ "$STATUS" = 404 ]
}

@test "message is stored" {
	new_account
	ey POST "$ACCOUNT_PATH/messages" '{"message": {"message_type": "alert",
	    "subject": "Job failing", "body": "It keeps failing."}}'
	[ "$STATUS" = 201 ]
	[ "$(jq -r .message.subject "$BODY_FILE")" = "Job failing" ]
	run "$sandbox" messages --account "$ACCOUNT_ID"
	last=${lines[-1]}
	[ "$(jq -r .message_type <<< "$last")" = alert ]
	[ "$(jq -r .subject <<< "$last")" = "Job failing" ]
	[ "$(jq -r .body <<< "$last")" = "It keeps failing." ]
	[ "$(jq -r .source <<< "$last")" = request ]
	[ "$(jq -r .provisioned_service_id <<< "$last")" = null ]
}

@test "message with bad type returns 400" {
	new_account
	for type in '"warning"' '""' 'null' '3'; do
		ey POST "$ACCOUNT_PATH/messages" \
		    "{\"message\": {\"message_type\": $type, \"subject\": \"Hi\"}}"
		[ "$STATUS" = 400 ]
		[[ "$(errors)" == "Message type "* ]]
	done
	run "$sandbox" messages --account "$ACCOUNT_ID"
	[ "${#lines[@]}" -eq 1 ]
}

@test "message with blank subject returns 400" {
	new_account
	for subject in '""' '" "' 'null'; do
		ey POST "$ACCOUNT_PATH/messages" \
		    "{\"message\": {\"message_type\": \"status\", \"subject\": $subject}}"
		[ "$STATUS" = 400 ]
		[ "$(errors)" = "Subject can't be blank" ]
	done
	ey POST "$ACCOUNT_PATH/messages" \
	    '{"message": {"message_type": "status", "subject": "Hi", "body": 1}}'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = "Body must be a string or null" ]
}

@test "provisioned service message is stored" {
	new_account
	new_provisioned
	ey POST "$PROVISIONED_PATH/messages" '{"message": {"message_type":
	    "notification", "subject": "Job disabled", "body": null}}'
	[ "$STATUS" = 201 ]
	run "$sandbox" messages --provisioned "$PROVISIONED_ID"
	[ "$(jq -r .subject <<< "${lines[-1]}")" = "Job disabled" ]
	[ "$(jq -r .service_account_id <<< "${lines[-1]}")" = "$ACCOUNT_ID" ]
}

@test "provisioned service update stores vars" {
	new_account
	new_provisioned
	ey PUT "$PROVISIONED_PATH" '{"provisioned_service": {"vars":
	    {"service_url": "http://127.0.0.1:9/jobs", "auth_username": "U2",
	    "auth_password": "P2"}, "configuration_required": false}}'
	[ "$STATUS" = 200 ]
	run "$sandbox" vars --provisioned "$PROVISIONED_ID"
	[ "$(jq -r .service_url <<< "$output")" = http://127.0.0.1:9/jobs ]
	[ "$(jq -r .auth_username <<< "$output")" = U2 ]
	[ "$(jq -r .auth_password <<< "$output")" = P2 ]
	[ "$(jq -r 'keys | length' <<< "$output")" = 3 ]
}

@test "invalid vars return 400" {
	new_account
	new_provisioned
	ey PUT "$PROVISIONED_PATH" '{"provisioned_service": {"vars": {"a": 1}}}'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = \
	    "Vars must be an object of strings, but a is not a string" ]
	ey PUT "$PROVISIONED_PATH" '{"provisioned_service": {"vars": []}}'
	[ "$STATUS" = 400 ]
	ey PUT "${PROVISIONED_PATH%/*}/999999" '{"provisioned_service": {}}'
	[ "$STATUS" = 404 ]
}

@test "invoice is stored" {
	new_account
	ey POST "$ACCOUNT_PATH/invoices" '{"invoice": {"total_amount_cents": 27,
	    "line_item_description": "For service from 2012/08/21 to 2012/08/22 includes 1 schedulers and 5 jobs run."}}'
	[ "$STATUS" = 201 ]
	[ "$(jq -r .invoice.total_amount_cents "$BODY_FILE")" = 27 ]
	run "$sandbox" invoices --account "$ACCOUNT_ID"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .total_amount_cents <<< "$output")" = 27 ]
	[[ "$(jq -r .line_item_description <<< "$output")" == "For service"* ]]
	[ "$(jq -r .unique_id <<< "$output")" = null ]
}

@test "negative amount returns 400" {
	new_account
	ey POST "$ACCOUNT_PATH/invoices" '{"invoice": {"total_amount_cents": -1,
	    "line_item_description": "x"}}'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = \
	    "Total amount cents must be greater than or equal to 0" ]
}

@test "non-integer amount returns 400" {
	new_account
	for amount in 1.5 '"27"' true; do
		ey POST "$ACCOUNT_PATH/invoices" "{\"invoice\": {
		    \"total_amount_cents\": $amount, \"line_item_description\": \"x\"}}"
		[ "$STATUS" = 400 ]
		[ "$(errors)" = "Total amount cents must be an integer" ]
	done
	ey POST "$ACCOUNT_PATH/invoices" \
	    '{"invoice": {"line_item_description": "x"}}'
	[ "$STATUS" = 400 ]
	[ "$(errors)" = "Total amount cents can't be blank" ]
}

@test "blank description returns 400" {
	new_account
	for description in '""' '"  "' null; do
		ey POST "$ACCOUNT_PATH/invoices" "{\"invoice\": {
		    \"total_amount_cents\": 0, \"line_item_description\": $description}}"
		[ "$STATUS" = 400 ]
		[ "$(errors)" = "Line item description can't be blank" ]
	done
	run "$sandbox" invoices --account "$ACCOUNT_ID"
	[ "$output" = "" ]
}

@test "repeated unique_id is stored once" {
	new_account
	invoice='{"invoice": {"total_amount_cents": 5,
	    "line_item_description": "x", "unique_id": "2012-08-22"}}'
	ey POST "$ACCOUNT_PATH/invoices" "$invoice"
	[ "$STATUS" = 201 ]
	id=$(jq -r .invoice.id "$BODY_FILE")
	ey POST "$ACCOUNT_PATH/invoices" "$invoice"
	[ "$STATUS" = 200 ]
	[ "$(jq -r .invoice.id "$BODY_FILE")" = "$id" ]
	run "$sandbox" invoices --account "$ACCOUNT_ID"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .unique_id <<< "$output")" = 2012-08-22 ]
}

@test "invoices without unique_id are all stored" {
	new_account
	for _ in 1 2; do
		ey POST "$ACCOUNT_PATH/invoices" '{"invoice": {
		    "total_amount_cents": 5, "line_item_description": "x"}}'
		[ "$STATUS" = 201 ]
	done
	run "$sandbox" invoices --account "$ACCOUNT_ID"
	[ "${#lines[@]}" -eq 2 ]
}

@test "requests are recorded" {
	new_service
	ey PUT "$SERVICE_PATH" '{"service": {"label": "recorded"}}'
	run "$sandbox" requests --path-contains "$SERVICE_PATH"
	[ "$status" -eq 0 ]
	last=${lines[-1]}
	[ "$(jq -r .method <<< "$last")" = PUT ]
	[ "$(jq -r .path <<< "$last")" = "$SERVICE_PATH" ]
	[ "$(jq -r .body <<< "$last" | jq -r .service.label)" = recorded ]
	[ "$(jq -r .content_type <<< "$last")" = application/json ]
	[ "$(jq -r .status <<< "$last")" = 200 ]
	[[ "$(jq -r .received_at <<< "$last")" =~ ^[0-9-]{10}T[0-9:]{8}Z$ ]]
	for line in "${lines[@]}"; do
		[[ "$(jq -r .path <<< "$line")" == *"$SERVICE_PATH"* ]]
	done
}

@test "rejected requests are recorded" {
	curl -sS -o /dev/null "$BASE/ey/api/1/unsigned-probe"
	run "$sandbox" requests --path-contains unsigned-probe
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .status <<< "$output")" = 401 ]
	[ "$(jq -r .authentication_error <<< "$output")" = \
	    "missing Authorization header" ]
}

@test "request command prints the response" {
	run "$sandbox" request POST /api/1/partners/1/services \
	    '{"service": {"name": "By hand"}}'
	[ "$status" -eq 0 ]
	eval "$output"
	[ "$status" = 201 ]
	[[ "$location" == "$EY/api/1/partners/1/services/"* ]]
	[ "$(jq -r .service.name <<< "$body")" = "By hand" ]
}

@test "request command fails without a response" {
	run "$sandbox" request GET http://127.0.0.1:1/
	[ "$status" -eq 1 ]
	[[ "$output" == *"GET http://127.0.0.1:1/ failed"* ]]
}

@test "services prints the registered services" {
	new_service
	run "$sandbox" services
	[ "$status" -eq 0 ]
	last=${lines[-1]}
	[ "$(jq -r .id <<< "$last")" = "$SERVICE_ID" ]
	[ "$(jq -r .url <<< "$last")" = "$BASE$SERVICE_PATH" ]
	[ "$(jq -r .name <<< "$last")" = Chronatog ]
}

@test "every command has help" {
	for command in serve init enable provision deprovision cancel sso-url \
	    request services requests messages invoices vars; do
		run "$sandbox" "$command" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: ey-sandbox $command"* ]]
	done
}
